/**
 * One measuring thread of `sign-bench`: signs, verifies or generates keys flat out for a while,
 * timing every operation into an HDR histogram, and reports how many it did. Bounded twice: by
 * time and by a count. Runs in a worker_thread so that N threads measure N cores.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { SignJWT } from 'jose';
import type { Algorithm } from '../identity/algorithms.js';
import { algorithmInfo } from '../identity/algorithms.js';
import { fingerprint, parsePrivateKey } from '../identity/keys.js';
import { signTokenAsync, signTokenSync } from '../identity/token.js';
import { verifyDeviceToken } from '../identity/verify.js';
import { createHistogram, encodeHistogram, recordUs, type Histogram } from '../metrics/histogram.js';
import { BENCH_DEVICE_ID, benchTokenSpec, BENCH_VERIFY_POLICY } from './bench-token.js';

/** sync: crypto.sign on this thread (pre-signing); async: on libuv's pool; jose: SignJWT (WebCrypto). */
export type SignMode = 'sync' | 'async' | 'jose';

export type MeasureJob =
  | { kind: 'sign'; alg: Algorithm; privateKeyPem: string; mode: SignMode; inFlight: number; durationMs: number; maxOps: number }
  | { kind: 'verify'; alg: Algorithm; privateKeyPem: string; durationMs: number; maxOps: number }
  | { kind: 'keygen'; alg: Algorithm; rsaBits: number; durationMs: number; maxOps: number };

export interface Measured {
  ops: number;
  elapsedMs: number;
  /** Encoded HDR histogram of each operation's time, µs. */
  histogram: string;
}

function timed(histogram: Histogram, op: () => void): void {
  const startMs = performance.now();
  op();
  recordUs(histogram, (performance.now() - startMs) * 1000);
}

async function measure(job: MeasureJob): Promise<Measured> {
  const histogram = createHistogram();
  const startMs = performance.now();
  const endMs = startMs + job.durationMs;
  let ops = 0;
  // At least one operation, whatever the duration: a figure needs a sample.
  const more = (): boolean => ops === 0 || (ops < job.maxOps && performance.now() < endMs);
  if (job.kind === 'keygen') {
    const info = algorithmInfo(job.alg);
    const generate = (): unknown =>
      info.kind === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: job.rsaBits })
        : info.kind === 'ec'
          ? generateKeyPairSync('ec', { namedCurve: info.curve ?? 'prime256v1' })
          : generateKeyPairSync('ed25519');
    for (; more(); ops++) timed(histogram, generate);
  } else {
    const key = parsePrivateKey(job.privateKeyPem, 'sign-bench key');
    const kid = fingerprint(createPublicKey(key));
    const spec = benchTokenSpec(job.alg);
    const nowSec = Date.now() / 1000;
    if (job.kind === 'verify') {
      const token = signTokenSync(spec, BENCH_DEVICE_ID, key, kid, nowSec);
      const registration = { deviceId: BENCH_DEVICE_ID, alg: job.alg, publicKey: createPublicKey(key), kid };
      // The broker's whole check (header, alg, kid, signature, claims), not the signature alone.
      const verifyOnce = (): void => {
        if (!verifyDeviceToken(token, registration, BENCH_VERIFY_POLICY, nowSec).ok) throw new Error(`sign-bench: a valid ${job.alg} token failed to verify`);
      };
      for (; more(); ops++) timed(histogram, verifyOnce);
    } else if (job.mode === 'sync') {
      for (; more(); ops++) timed(histogram, () => signTokenSync(spec, `${BENCH_DEVICE_ID}-${ops}`, key, kid, nowSec));
    } else {
      const signOnce = (n: number): Promise<unknown> =>
        job.mode === 'async'
          ? signTokenAsync(spec, `${BENCH_DEVICE_ID}-${n}`, key, kid, nowSec)
          : new SignJWT({ aud: `https://akenza.io/devices/${BENCH_DEVICE_ID}-${n}` })
              .setProtectedHeader({ alg: job.alg, kid, typ: 'JWT' })
              .setIssuedAt()
              .setExpirationTime('20m')
              .sign(key);
      const lane = async (): Promise<void> => {
        while (more()) {
          const opStartMs = performance.now();
          await signOnce(ops++);
          recordUs(histogram, (performance.now() - opStartMs) * 1000);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, job.inFlight) }, lane));
    }
  }
  const result: Measured = { ops, elapsedMs: performance.now() - startMs, histogram: encodeHistogram(histogram) };
  histogram.destroy();
  return result;
}

if (parentPort !== null) parentPort.postMessage(await measure(workerData as MeasureJob));
