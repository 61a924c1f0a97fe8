/**
 * The JWK Set round trip, as a user does it: `keys generate` (ES256 and RS256), `keys export
 * --format jwks`, `broker --jwks`, then a run of those devices: every one is accepted, and a
 * device whose key is not in the set is refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateKeystore } from '../../src/coordinator/keygen.js';
import { run, scenarioFromObject } from '../../src/index.js';
import { startCli } from '../support/processes.js';
import { runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-jwks-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('keys generate → keys export --format jwks → broker --jwks', () => {
  it('accepts every device of the exported keystores, and refuses a key not in the set', async () => {
    const made = await runCli([
      'keys',
      'generate',
      '--alg',
      'ES256',
      '--count',
      '4',
      '--id-pattern',
      'ec-{index}',
      '--out',
      join(dir, 'fleet'),
      '--workers',
      '1',
    ]);
    assert.equal(made.code, 0, made.stderr);
    // The same as `keys generate`, in this process (each CLI process costs seconds on a busy machine).
    await generateKeystore({ path: join(dir, 'fleet', 'RS256.json'), alg: 'RS256', rsaBits: 2048, deviceIds: ['rsa-1', 'rsa-2'], workers: 1 });
    await generateKeystore({ path: join(dir, 'outsider.json'), alg: 'ES256', rsaBits: 2048, deviceIds: ['outsider'], workers: 1 });
    const jwks = join(dir, 'fleet.jwks.json');
    const exported = await runCli(['keys', 'export', '--keys', join(dir, 'fleet'), '--format', 'jwks', '-o', jwks]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal((JSON.parse(readFileSync(jwks, 'utf8')) as { keys: unknown[] }).keys.length, 6);

    const broker = await startCli(['broker', '--port', '0', '--jwks', jwks], /listening mqtt:\/\/127\.0\.0\.1:(\d+)/);
    try {
      assert.match(broker.output(), /0 devices registered · 6 keys of /);
      const scenario = {
        name: 'jwks-roundtrip',
        broker: `mqtt://127.0.0.1:${broker.match[1]}`,
        workers: 1,
        mqtt: { protocolVersion: 4 as const, keepalive: '30s', connectTimeout: '10s', clean: true },
        groups: [
          { name: 'ec', count: 4, idPattern: 'ec-{index}', alg: 'ES256' as const, keys: { store: join(dir, 'fleet', 'ES256.json') } },
          { name: 'rsa', count: 2, idPattern: 'rsa-{index}', alg: 'RS256' as const, keys: { store: join(dir, 'fleet', 'RS256.json') } },
          { name: 'outsider', count: 1, idPattern: 'outsider', alg: 'ES256' as const, keys: { store: join(dir, 'outsider.json') } },
        ],
        stages: [
          { type: 'connect' as const, rate: '50/s' },
          { type: 'publish' as const, rate: '10/s', count: 2, qos: 1 as const, groups: ['ec', 'rsa'] },
          { type: 'disconnect' as const },
        ],
      };
      const result = await run(scenarioFromObject(scenario, scenario.name));
      assert.equal(result.groups['ec']?.counters['connected'], 4, broker.output());
      assert.equal(result.groups['rsa']?.counters['connected'], 2, broker.output());
      assert.equal(result.groups['ec']?.counters['acked'], 8);
      assert.equal(result.groups['rsa']?.counters['acked'], 4);
      assert.deepEqual(result.groups['outsider']?.connectFailures, { 'not-authorized': 1 });
      assert.match(broker.output(), / refused client="outsider" from=127\.0\.0\.1:\d+ reason=unknown-device connack=5\n/);
    } finally {
      assert.equal(await broker.stop(), 0);
    }
    assert.match(broker.output(), /auth accepted 6 · rejected 1 \(unknown-device 1\)/);
  });

  it('keys of pools in one folder (both naming their keys pool-00001…) export by kid; the registry formats still refuse the same id twice', async () => {
    for (const alg of ['ES256', 'RS256'] as const) {
      await generateKeystore({ path: join(dir, 'pools', `${alg}.json`), alg, rsaBits: 2048, deviceIds: ['pool-00001', 'pool-00002'], workers: 1 });
    }
    const jwks = await runCli(['keys', 'export', '--keys', join(dir, 'pools'), '--format', 'jwks']);
    assert.equal(jwks.code, 0, jwks.stderr);
    assert.deepEqual((JSON.parse(jwks.stdout) as { keys: { alg: string }[] }).keys.map((k) => k.alg).sort(), ['ES256', 'ES256', 'RS256', 'RS256']);
    const rabbit = await runCli(['keys', 'export', '--keys', join(dir, 'pools'), '--format', 'rabbitmq']);
    assert.equal(rabbit.code, 0, rabbit.stderr);
    assert.equal((rabbit.stdout.match(/ => \{pem, /g) ?? []).length, 4);
    const csv = await runCli(['keys', 'export', '--keys', join(dir, 'pools'), '--format', 'csv']);
    assert.equal(csv.code, 2);
    assert.match(csv.stderr, /device pool-0000[12] is also in another keystore/);
  });
});
