/**
 * Thousands of failed logins against the broker process: every one is refused, and the broker's
 * memory stays bounded. RSS after a warm-up round, then after each further round of the same
 * size; a leak would grow it round after round. Loopback only; bounded in count.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { fingerprint } from '../src/identity/keys.js';
import { formatRegistry } from '../src/identity/registry-file.js';
import { startBrokerProcess } from './broker-process.js';
import { connectOne } from './connects.js';
import { connectPacket } from './raw-connect.js';

const ROUND = Number(process.env['BENCH_FAILED_ROUND'] ?? 5000);
const ROUNDS = 4;
const IN_FLIGHT = 50;

const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const kid = fingerprint(pair.publicKey);
const now = Math.floor(Date.now() / 1000);
const ids = Array.from({ length: 100 }, (_, i) => `victim-${i}`);
/** Half the attempts use a registered id with a token signed by another key (a full verify), half an unknown id. */
const packets = await Promise.all(
  ids.map(async (id, i) => {
    const token = await new SignJWT({ iat: now, exp: now + 600, aud: `https://akenza.io/devices/${id}` })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
      .sign(other.privateKey);
    return connectPacket(i % 2 === 0 ? id : `intruder-${i}`, token);
  }),
);
const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-failed-'));
try {
  writeFileSync(
    join(dir, 'devices.json'),
    formatRegistry(
      ids.map((deviceId) => ({ deviceId, alg: 'ES256' as const, kid, publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }) as string })),
      'json',
    ),
  );
  const broker = await startBrokerProcess(['--registry', join(dir, 'devices.json')]);
  process.stdout.write(
    `## Failed logins (${ROUNDS} rounds of ${ROUND}, ${IN_FLIGHT} in flight; half bad signatures, half unknown ids)\n\n| after round | refused so far | broker RSS |\n|---:|---:|---:|\n`,
  );
  let refused = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < ROUND) {
        const result = await connectOne(broker.port, packets[next++ % packets.length] as Buffer);
        result.socket.destroy();
        if (!result.accepted) refused++;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    // Let closes settle and the collector run its course before reading RSS.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    process.stdout.write(`| ${round} | ${refused} | ${(broker.rssBytes() / 1024 / 1024).toFixed(1)} MiB |\n`);
  }
  const exit = await broker.stop();
  process.stdout.write(`\nbroker exit ${exit}; its final line: ${/auth accepted .*/.exec(broker.output())?.[0] ?? '(none)'}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
