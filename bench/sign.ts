/**
 * Pre-signing throughput per algorithm: our compact-JWS signer on 1 and 2 worker threads, jose's
 * SignJWT and our async signer at several in-flight counts, each beside `openssl speed` for the
 * same primitive on the same machine. Prints ratios, measured in one run.
 *
 *   npm run build && node dist/bench/sign.js [--seconds 2]
 */
import { availableParallelism, cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Algorithm } from '../src/identity/algorithms.js';
import { generateKeyPair } from '../src/identity/keys.js';
import { opensslSpeed } from './openssl-speed.js';
import type { SignJob, SignMode } from './sign-worker.js';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1] || 2) || 2;
const ALGS: Algorithm[] = ['RS256', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA'];

function runWorkers(workers: number, job: Omit<SignJob, 'durationMs'>): Promise<number> {
  const one = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./sign-worker.js', import.meta.url), { workerData: { ...job, durationMs: seconds * 1000 } });
      worker.once('message', (count: number) => resolve(count / seconds));
      worker.once('error', reject);
    });
  return Promise.all(Array.from({ length: workers }, one)).then((rates) => rates.reduce((a, b) => a + b, 0));
}

const fmt = (n: number): string => n.toFixed(0).padStart(8);
const pct = (n: number): string => `${(n * 100).toFixed(0)}%`.padStart(5);

console.log(`sign bench · ${cpus()[0]?.model ?? 'cpu'} · ${availableParallelism()} cores · node ${process.version} · ${seconds} s per figure · UV_THREADPOOL_SIZE=${process.env['UV_THREADPOOL_SIZE'] ?? '4 (default)'}`);
console.log('alg      ours×1w  openssl  ours/ossl  ours×2w  scaling  jose(8)  jose/ours  async(1)  async(4)  async(16)');
for (const alg of ALGS) {
  const privateKeyPem = generateKeyPair(alg).privateKeyPem;
  const job = (mode: SignMode, inFlight = 1): Omit<SignJob, 'durationMs'> => ({ alg, privateKeyPem, mode, inFlight });
  const one = await runWorkers(1, job('sync'));
  const ossl = opensslSpeed(alg, seconds);
  const two = await runWorkers(2, job('sync'));
  const jose = await runWorkers(1, job('jose', 8));
  const async1 = await runWorkers(1, job('async', 1));
  const async4 = await runWorkers(1, job('async', 4));
  const async16 = await runWorkers(1, job('async', 16));
  console.log(
    `${alg.padEnd(6)} ${fmt(one)} ${ossl === undefined ? '     n/a' : fmt(ossl.signPerSec)}   ${ossl === undefined ? '  n/a' : pct(one / ossl.signPerSec)}   ${fmt(two)}   ${(two / one).toFixed(2)}×  ${fmt(jose)}     ${pct(jose / one)}  ${fmt(async1)}  ${fmt(async4)}   ${fmt(async16)}`,
  );
}
