/**
 * ECDSA in JWS form (R || S, RFC 7518 §3.4) two ways: node:crypto converting itself
 * (`dsaEncoding: 'ieee-p1363'`), and node:crypto in DER with the bare KeyObject plus our
 * conversion (src/identity/ecdsa-signature-format.ts), which is what the signer and the broker
 * use. Both run in one process, in alternating rounds, so other load on the machine falls on both
 * alike; the figure to read is the ratio ours ÷ p1363, per Node version (docs/rsa-vs-ec.md).
 *
 *   npm run build && node dist/bench/ecdsa-encoding.js [--seconds 3]
 */
import { availableParallelism, cpus } from 'node:os';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { ecdsaDerToJose, ecdsaJoseToDer } from '../src/identity/ecdsa-signature-format.js';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1] || 3) || 3;
const ROUNDS = 40;
const CURVES = [
  { alg: 'ES256', curve: 'P-256', digest: 'sha256', partBytes: 32 },
  { alg: 'ES384', curve: 'P-384', digest: 'sha384', partBytes: 48 },
] as const;

/** Operations per second of each function, measured in `ROUNDS` alternating slices of `seconds` in all. */
function rates(fns: Record<string, () => unknown>): Record<string, number> {
  const totals = Object.fromEntries(Object.keys(fns).map((k) => [k, { ops: 0, ms: 0 }]));
  for (const fn of Object.values(fns)) for (let i = 0; i < 200; i++) fn();
  const sliceMs = (seconds * 1000) / ROUNDS / Object.keys(fns).length;
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of Object.entries(fns)) {
      const total = totals[name];
      if (total === undefined) continue;
      const start = performance.now();
      let ops = 0;
      while (performance.now() - start < sliceMs && ops < 10_000_000) {
        for (let i = 0; i < 20; i++) fn();
        ops += 20;
      }
      total.ops += ops;
      total.ms += performance.now() - start;
    }
  }
  return Object.fromEntries(Object.entries(totals).map(([k, t]) => [k, (t.ops / t.ms) * 1000]));
}

const fmt = (n: number | undefined): string => (n ?? 0).toFixed(0).padStart(9);
const ratio = (a: number | undefined, b: number | undefined): string => `${((a ?? 0) / (b ?? 1)).toFixed(2)}×`.padStart(8);

console.log(
  `ECDSA encodings · ${cpus()[0]?.model ?? 'cpu'} · ${availableParallelism()} cores · node ${process.version} (OpenSSL ${process.versions.openssl}) · ${seconds} s per row`,
);
console.log('alg    sign p1363/s  sign ours/s  ours÷p1363  verify p1363/s  verify ours/s  ours÷p1363');
for (const { alg, curve, digest, partBytes } of CURVES) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  const data = Buffer.from('eyJhbGciOiJFUzI1NiIsImtpZCI6ImsiLCJ0eXAiOiJKV1QifQ.eyJhdWQiOiJodHRwczovL2FrZW56YS5pby9kZXZpY2VzL2QtMSJ9');
  const jose = sign(digest, data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  if (!verify(digest, data, publicKey, ecdsaJoseToDer(jose))) throw new Error(`${alg}: our conversion does not verify`);
  const s = rates({
    p1363: () => sign(digest, data, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
    ours: () => ecdsaDerToJose(sign(digest, data, privateKey), partBytes),
  });
  const v = rates({
    p1363: () => verify(digest, data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, jose),
    ours: () => verify(digest, data, publicKey, ecdsaJoseToDer(jose)),
  });
  console.log(
    `${alg}  ${fmt(s['p1363'])}    ${fmt(s['ours'])}  ${ratio(s['ours'], s['p1363'])}     ${fmt(v['p1363'])}      ${fmt(v['ours'])}  ${ratio(v['ours'], v['p1363'])}`,
  );
}
