/**
 * The broker command as its operator sees it: a line on stderr for each client it turned away
 * (time, client id, address, reason, CONNACK code), none with --quiet-refusals, never a token;
 * and a wrong flag is one line and exit 2 before anything listens.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { formatRegistry } from '../../src/identity/registry-file.js';
import { connectClient, EC_PUBLIC_PEM, ecToken } from '../broker/helpers.js';
import { startCli } from '../support/processes.js';
import { runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-operator-log-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const registry = join(dir, 'devices.csv');
writeFileSync(registry, formatRegistry([{ deviceId: 'dev-ok', alg: 'ES256', publicKey: EC_PUBLIC_PEM }], 'csv'));

async function waitFor(read: () => string, pattern: RegExp): Promise<void> {
  for (let i = 0; i < 200 && !pattern.test(read()); i++) await new Promise((resolve) => setTimeout(resolve, 25));
}

describe('broker operator log', () => {
  it('logs each refused and each ACL-denied client on one line, with no token in it', async () => {
    const broker = await startCli(['broker', '--port', '0', '--registry', registry], /listening mqtt:\/\/127\.0\.0\.1:(\d+)/);
    try {
      const url = `mqtt://127.0.0.1:${broker.match[1]}`;
      const strangerToken = await ecToken('stranger');
      await assert.rejects(connectClient(url, 'stranger', strangerToken), /Not authorized/i);
      await assert.rejects(connectClient(url, 'dev-ok', 'not-a-token'), /Bad username or password/i);
      const ok = await connectClient(url, 'dev-ok', await ecToken('dev-ok'));
      // SUBACK 0x80 for a filter outside the device's downlink; MQTT.js turns it into an error.
      await assert.rejects(ok.subscribeAsync('/down/device/id/other', { qos: 1 }), /Subscribe error/);
      await ok.endAsync();
      await waitFor(broker.output, /acl-denied/);
      const lines = broker.output().split('\n');
      const iso = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';
      assert.ok(
        lines.some((l) => new RegExp(`^${iso} refused client="stranger" from=127\\.0\\.0\\.1:\\d+ reason=unknown-device connack=5$`).test(l)),
        broker.output(),
      );
      assert.ok(
        lines.some((l) => new RegExp(`^${iso} refused client="dev-ok" from=127\\.0\\.0\\.1:\\d+ reason=not-jwt connack=4$`).test(l)),
        broker.output(),
      );
      assert.ok(
        lines.some((l) =>
          new RegExp(`^${iso} acl-denied client="dev-ok" from=127\\.0\\.0\\.1:\\d+ reason=subscribe topic="/down/device/id/other" suback=0x80$`).test(l),
        ),
        broker.output(),
      );
      assert.ok(!broker.output().includes(strangerToken.split('.')[2] as string), 'no token');
      assert.doesNotMatch(broker.output(), /eyJ/);
    } finally {
      assert.equal(await broker.stop(), 0);
    }
  });

  it('--quiet-refusals: no line', async () => {
    const broker = await startCli(['broker', '--port', '0', '--registry', registry, '--quiet-refusals'], /listening mqtt:\/\/127\.0\.0\.1:(\d+)/);
    try {
      await assert.rejects(connectClient(`mqtt://127.0.0.1:${broker.match[1]}`, 'stranger', await ecToken('stranger')), /Not authorized/i);
    } finally {
      assert.equal(await broker.stop(), 0);
    }
    assert.doesNotMatch(broker.output(), / refused client=/);
    assert.match(broker.output(), /rejected 1 \(unknown-device 1\)/, 'the totals still count it');
  });
});

describe('broker flags are checked before it listens', () => {
  const cases: [string, string[], RegExp][] = [
    [
      'a bare number for --stats-interval',
      ['--stats-interval', '2'],
      /^error: --stats-interval must be a duration like 250ms, 30s, 5m or 1h \(got "2"\) \(a number needs a unit: 2s or 2ms\?\)\n$/,
    ],
    ['a word for --stats-interval', ['--stats-interval', 'often'], /^error: --stats-interval must be a duration like 250ms, 30s, 5m or 1h \(got "often"\)\n$/],
    ['a zero --downlink-interval', ['--downlink-interval', '0s'], /^error: --downlink-interval must be a duration/],
    ['a port out of range', ['--ws-port', '70000'], /^error: --ws-port must be a port number from 0 to 65535 \(got 70000\)\n$/],
    ['a JWK Set that is not one', ['--jwks', registry], /^error: .*devices\.csv is not valid JSON/],
  ];
  for (const [name, flags, message] of cases) {
    it(`${name}: exit 2, one line, never "listening"`, async () => {
      const result = await runCli(['broker', '--port', '0', '--registry', registry, ...flags], { timeoutMs: 30_000 });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stdout, /listening/);
    });
  }
});
