/**
 * `sign-bench`: what each algorithm costs the device (key generation, signing, on 1…N cores),
 * the broker (verifying) and the wire (token and CONNECT bytes), measured one figure at a time
 * so the figures do not compete, and set beside `openssl speed` on the same machine.
 */
import { release } from 'node:os';
import { Worker } from 'node:worker_threads';
import { environmentInfo } from '../coordinator/environment.js';
import { algorithmInfo, type Algorithm } from '../identity/algorithms.js';
import { fingerprint, generateKeyObjects, pemOf } from '../identity/keys.js';
import { signTokenSync } from '../identity/token.js';
import { createHistogram, decodeHistogram, encodeHistogram, summarizeHistogram } from '../metrics/histogram.js';
import { BENCH_DEVICE_ID, benchTokenSpec } from './bench-token.js';
import { connectPacketBytes } from '../worker/engines/packet-bytes.js';
import type { Measured, MeasureJob } from './measure-thread.js';
import { opensslSpeed } from './openssl-speed.js';
import { SIGN_BENCH_FORMAT, SIGN_BENCH_VERSION, type MeasuredFigure, type SignBenchEntry, type SignBenchResult, type SignRow } from './sign-bench-result.js';

export interface SignBenchOptions {
  algs: readonly Algorithm[];
  rsaBits: readonly number[];
  workers: readonly number[];
  durationMs: number;
  openssl: boolean;
  /** One line per figure as it is measured (the CLI prints them on stderr). */
  onProgress?: (line: string) => void;
}

/** Upper bounds on operations per figure, beside the time bound. */
const MAX_OPS = { sign: 20_000_000, verify: 20_000_000, keygen: 10_000 } as const;

/** Runs `job` on `threads` worker threads at once and collects what each measured. */
export function runThreads(threads: number, job: MeasureJob): Promise<Measured[]> {
  const one = (): Promise<Measured> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./measure-thread.js', import.meta.url), { workerData: job });
      worker.once('message', (measured: Measured) => resolve(measured));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`sign-bench thread exited with code ${code} before reporting`)));
    });
  return Promise.all(Array.from({ length: threads }, one));
}

/** Threads measured side by side: their rates add, their histograms merge. */
export function combine(parts: readonly Measured[]): MeasuredFigure {
  const histogram = createHistogram();
  for (const part of parts) {
    const decoded = decodeHistogram(part.histogram);
    histogram.add(decoded);
    decoded.destroy();
  }
  const figure: MeasuredFigure = {
    ops: parts.reduce((n, p) => n + p.ops, 0),
    elapsedMs: Math.max(...parts.map((p) => p.elapsedMs)),
    opsPerSec: parts.reduce((sum, p) => sum + (p.ops * 1000) / p.elapsedMs, 0),
    histogram: { summary: summarizeHistogram(histogram), encoded: encodeHistogram(histogram) },
  };
  histogram.destroy();
  return figure;
}

/** Every algorithm once, and every RSA algorithm once per key size. */
export interface BenchTarget {
  alg: Algorithm;
  rsaBits: number | null;
  label: string;
}

export function benchTargets(algs: readonly Algorithm[], rsaBits: readonly number[]): BenchTarget[] {
  return algs.flatMap((alg): BenchTarget[] =>
    algorithmInfo(alg).kind === 'rsa' ? rsaBits.map((bits) => ({ alg, rsaBits: bits, label: `${alg}-${bits}` })) : [{ alg, rsaBits: null, label: alg }],
  );
}

export async function runSignBench(options: SignBenchOptions): Promise<SignBenchResult> {
  const startedMs = Date.now();
  const entries: SignBenchEntry[] = [];
  for (const target of benchTargets(options.algs, options.rsaBits)) entries.push(await benchOne(target, options));
  const env = environmentInfo();
  return {
    format: SIGN_BENCH_FORMAT,
    version: SIGN_BENCH_VERSION,
    startedAt: new Date(startedMs).toISOString(),
    durationMs: Math.max(1, Date.now() - startedMs),
    environment: { ...env, nodeOpenssl: process.versions.openssl, platform: `${env.platform} ${release()}` },
    settings: {
      algs: [...options.algs],
      rsaBits: [...options.rsaBits],
      workers: [...options.workers],
      durationMs: options.durationMs,
      openssl: options.openssl,
    },
    entries,
  };
}

async function benchOne(target: BenchTarget, options: SignBenchOptions): Promise<SignBenchEntry> {
  const { alg, label } = target;
  const rsaBits = target.rsaBits ?? 2048;
  const say = (what: string): void => options.onProgress?.(`${label}: ${what}`);
  const duration = options.durationMs;
  say('key generation');
  const keygen = combine(await runThreads(1, { kind: 'keygen', alg, rsaBits, durationMs: duration, maxOps: MAX_OPS.keygen }));
  const pair = await generateKeyObjects(alg, rsaBits);
  const privateKeyPem = pemOf(pair.privateKey, 'pkcs8');
  const sign: SignRow[] = [];
  for (const workers of [...options.workers].sort((a, b) => a - b)) {
    say(`signing on ${workers} thread${workers === 1 ? '' : 's'}`);
    const figure = combine(
      await runThreads(workers, { kind: 'sign', alg, privateKeyPem, mode: 'sync', inFlight: 1, durationMs: duration, maxOps: MAX_OPS.sign }),
    );
    sign.push({ ...figure, workers, scaling: figure.opsPerSec / (sign[0]?.opsPerSec ?? figure.opsPerSec) });
  }
  say('verifying');
  const verify = combine(await runThreads(1, { kind: 'verify', alg, privateKeyPem, durationMs: duration, maxOps: MAX_OPS.verify }));
  const token = signTokenSync(benchTokenSpec(alg), BENCH_DEVICE_ID, pair.privateKey, fingerprint(pair.publicKey), Date.now() / 1000);
  const tokenBytes = Buffer.byteLength(token);
  const connectBytes = connectPacketBytes({ clientId: BENCH_DEVICE_ID, password: token, protocolVersion: 4, keepaliveSec: 60, clean: true });
  let openssl: SignBenchEntry['openssl'] = null;
  if (options.openssl) {
    say('openssl speed');
    const rates = await opensslSpeed(alg, rsaBits, duration / 1000);
    const oneThread = sign.find((row) => row.workers === 1);
    if (rates !== undefined && oneThread !== undefined) {
      openssl = { ...rates, signShare: oneThread.opsPerSec / rates.signPerSec, verifyShare: verify.opsPerSec / rates.verifyPerSec };
    }
  }
  return { label, alg, rsaBits: target.rsaBits, tokenBytes, connectBytes, keygen, sign, verify, openssl };
}
