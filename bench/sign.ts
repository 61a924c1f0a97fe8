/**
 * How our signer compares with the other ways to sign in Node: jose's SignJWT (WebCrypto) and our
 * async signer on libuv's pool at several in-flight counts, each ÷ our synchronous signer on one
 * thread, in one run. `mqtt-jwt-bench sign-bench` gives the per-algorithm figures themselves
 * (threads, latency, verify, bytes, openssl); this bench keeps only the comparison of signers.
 *
 *   npm run build && node dist/bench/sign.js [--seconds 2]
 */
import { availableParallelism, cpus } from 'node:os';
import type { Algorithm } from '../src/identity/algorithms.js';
import { generateKeyPair } from '../src/identity/keys.js';
import type { SignMode } from '../src/sign-bench/measure-thread.js';
import { combine, runThreads } from '../src/sign-bench/run-sign-bench.js';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1] || 2) || 2;
const ALGS: Algorithm[] = ['RS256', 'ES256', 'EdDSA'];

async function rate(alg: Algorithm, privateKeyPem: string, mode: SignMode, inFlight: number): Promise<number> {
  return combine(await runThreads(1, { kind: 'sign', alg, privateKeyPem, mode, inFlight, durationMs: seconds * 1000, maxOps: 20_000_000 })).opsPerSec;
}

const fmt = (n: number): string => n.toFixed(0).padStart(8);
const pct = (n: number): string => `${(n * 100).toFixed(0)}%`.padStart(9);

console.log(
  `signers compared · ${cpus()[0]?.model ?? 'cpu'} · ${availableParallelism()} cores · node ${process.version} · ${seconds} s per figure · UV_THREADPOOL_SIZE=${process.env['UV_THREADPOOL_SIZE'] ?? '4 (default)'}`,
);
console.log('alg      sync/s   jose(8)/s  jose÷sync  async(1)÷sync  async(4)÷sync  async(16)÷sync');
for (const alg of ALGS) {
  const pem = generateKeyPair(alg).privateKeyPem;
  const sync = await rate(alg, pem, 'sync', 1);
  const jose = await rate(alg, pem, 'jose', 8);
  const async1 = await rate(alg, pem, 'async', 1);
  const async4 = await rate(alg, pem, 'async', 4);
  const async16 = await rate(alg, pem, 'async', 16);
  console.log(
    `${alg.padEnd(6)} ${fmt(sync)}   ${fmt(jose)}  ${pct(jose / sync)}      ${pct(async1 / sync)}      ${pct(async4 / sync)}       ${pct(async16 / sync)}`,
  );
}
