/**
 * Loading a 100,000-device EC keystore: reading and parsing the file, then turning every PEM
 * into a KeyObject (what a run's workers do before pre-signing). Target: under 2 s.
 *
 *   npm run build && node dist/bench/keystore-load.js [--count 100000]
 */
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeystore } from '../src/coordinator/keygen.js';
import { loadKeystore } from '../src/identity/keystore.js';

const count = Number(process.argv[process.argv.indexOf('--count') + 1] || 100_000) || 100_000;
const dir = mkdtempSync(join(tmpdir(), 'keystore-bench-'));
const path = join(dir, 'ES256.json');
try {
  console.log(`keystore bench · ${cpus()[0]?.model ?? 'cpu'} · ${availableParallelism()} cores · node ${process.version} · ${count} ES256 devices`);
  const genStart = performance.now();
  const ids = Array.from({ length: count }, (_, i) => `device-${String(i + 1).padStart(6, '0')}`);
  await generateKeystore({ path, alg: 'ES256', rsaBits: 2048, deviceIds: ids, workers: availableParallelism() });
  const genMs = performance.now() - genStart;
  const loadStart = performance.now();
  const store = await loadKeystore(path, 'ES256');
  const loadMs = performance.now() - loadStart;
  const parseStart = performance.now();
  let parsed = 0;
  for (const entry of Object.values(store.devices)) if (createPrivateKey({ key: entry.privateKey, format: 'jwk' }).type === 'private') parsed++;
  const parseMs = performance.now() - parseStart;
  console.log(`generate ${(genMs / 1000).toFixed(1)} s (${((genMs * 1000) / count).toFixed(0)} µs/key on ${availableParallelism()} workers)`);
  console.log(`load     ${loadMs.toFixed(0)} ms (read + JSON.parse + checks)`);
  console.log(`parse    ${parseMs.toFixed(0)} ms for ${parsed} keys on one thread (a run splits this across its workers)`);
  console.log(`total    ${(loadMs + parseMs).toFixed(0)} ms on one thread: ${loadMs + parseMs < 2000 ? 'under' : 'OVER'} the 2 s target`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
