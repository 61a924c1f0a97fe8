/**
 * Verifications per second on one thread, RS256 and ES256: jose's `compactVerify` (WebCrypto)
 * against `crypto.verify` with a cached KeyObject, synchronous and on the thread pool, all in
 * one run so the ratios hold even on a shared machine. Run with `npm run bench`.
 */
import { compactVerify, SignJWT } from 'jose';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Algorithm } from '../src/identity/algorithms.js';
import { verifyJwsSignature, verifyJwsSignatureAsync } from '../src/identity/jws-signature.js';

const DURATION_MS = Number(process.env['BENCH_VERIFY_MS'] ?? 2000);
/** Verifies kept in flight at once for the asynchronous variants, as a busy broker would. */
const IN_FLIGHT = 16;

type Variant = { name: string; run: (token: string, key: KeyObject) => Promise<boolean> | boolean };

function variants(alg: Algorithm): Variant[] {
  return [
    { name: 'jose compactVerify', run: async (token, key) => (await compactVerify(token, key, { algorithms: [alg] })).payload.length > 0 },
    {
      name: 'crypto.verify sync',
      run: (token, key) =>
        verifyJwsSignature(alg, key, token.slice(0, token.lastIndexOf('.')), Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url')),
    },
    {
      name: 'crypto.verify async',
      run: (token, key) =>
        verifyJwsSignatureAsync(alg, key, token.slice(0, token.lastIndexOf('.')), Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url')),
    },
  ];
}

interface Measured {
  ratePerSec: number;
  /** CPU of the whole process (all threads, user + system) per verify. */
  cpuUsPerVerify: number;
}

/** Runs `variant` for DURATION_MS with `inFlight` calls outstanding. */
async function measure(variant: Variant, token: string, key: KeyObject, inFlight: number): Promise<Measured> {
  const endMs = performance.now() + DURATION_MS;
  let done = 0;
  const lane = async (): Promise<void> => {
    while (performance.now() < endMs) {
      if (!(await variant.run(token, key))) throw new Error(`${variant.name}: a valid token failed`);
      done++;
    }
  };
  const startMs = performance.now();
  const cpuStart = process.cpuUsage();
  await Promise.all(Array.from({ length: inFlight }, lane));
  const cpu = process.cpuUsage(cpuStart);
  return { ratePerSec: done / ((performance.now() - startMs) / 1000), cpuUsPerVerify: (cpu.user + cpu.system) / done };
}

async function benchAlg(alg: 'RS256' | 'ES256'): Promise<string[]> {
  const pair = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ iat: now, exp: now + 1200, aud: 'https://akenza.io/devices/bench' })
    .setProtectedHeader({ alg, typ: 'JWT' })
    .sign(pair.privateKey);
  const rows: string[] = [];
  let jose: Measured | undefined;
  for (const variant of variants(alg)) {
    await measure(variant, token, pair.publicKey, IN_FLIGHT); // warm-up pass, discarded
    const one = await measure(variant, token, pair.publicKey, 1);
    const many = await measure(variant, token, pair.publicKey, IN_FLIGHT);
    jose ??= many;
    const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
    rows.push(
      `| ${alg} | ${variant.name} | ${fmt(one.ratePerSec)} | ${fmt(many.ratePerSec)} | ${(many.ratePerSec / jose.ratePerSec).toFixed(2)}× | ${many.cpuUsPerVerify.toFixed(0)} | ${(jose.cpuUsPerVerify / many.cpuUsPerVerify).toFixed(2)}× |`,
    );
  }
  return rows;
}

process.stdout.write(
  `## Verifications per second from one event loop (${DURATION_MS} ms each)\n\n| alg | how | verifies/s, 1 at a time | verifies/s, ${IN_FLIGHT} in flight | rate ÷ jose | CPU µs per verify | jose CPU ÷ this |\n|---|---|---:|---:|---:|---:|---:|\n`,
);
for (const alg of ['RS256', 'ES256'] as const) process.stdout.write(`${(await benchAlg(alg)).join('\n')}\n`);
