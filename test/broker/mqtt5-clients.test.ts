/**
 * The embedded broker's MQTT 5 checked by clients we did not write: the seed's Python device
 * (paho-mqtt with MQTT v5 and PyJWT, from Debian) with the token as password and as
 * Authentication Data under CUSTOM-JWT, and mosquitto_pub -V mqttv5. CI installs both
 * (.ci/run); without them the tests are skipped, with the install line.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BROKER_METRIC } from '../../src/broker/broker-metrics.js';
import type { RunningBroker } from '../../src/broker/server.js';
import { fingerprint, parsePublicKey } from '../../src/identity/keys.js';
import { repoPath, vectorFile } from '../helpers.js';
import { MosquittoBroker } from '../mosquitto/broker.js';
import { requireMosquittoTools, skipWithoutMosquitto } from '../mosquitto/tools.js';
import { counter, ecToken, registerEc, startTestBroker } from './helpers.js';

const PYTHON = '/usr/bin/python3';

/** A child run without blocking the event loop: the broker under test lives in this process. */
function run(command: string, args: string[]): Promise<{ status: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      const status = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ status, out: stdout.trim(), err: stderr });
    });
  });
}
// Required in CI (.ci/run) like the other optional tools: the seed client's Python packages with
// REQUIRE_RABBITMQ, mosquitto_pub with REQUIRE_MOSQUITTO (test/support/optional-tool.ts).
const REQUIRED = process.env['CI'] === 'true' || process.env['REQUIRE_RABBITMQ'] === '1' || process.env['REQUIRE_MOSQUITTO'] === '1';

function pythonMissing(): string | false {
  const check = spawnSync(
    PYTHON,
    ['-c', 'import jwt, paho.mqtt.client, paho.mqtt.properties\ntry:\n import Crypto.PublicKey\nexcept ImportError:\n import Cryptodome.PublicKey'],
    {
      encoding: 'utf8',
    },
  );
  if (check.status === 0 || REQUIRED) return false;
  return 'python3 with paho-mqtt, PyJWT and PyCryptodome not found (apt-get install python3-paho-mqtt python3-jwt python3-cryptography python3-pycryptodome)';
}

function mosquittoPubMissing(): string | false {
  if (spawnSync('mosquitto_pub', ['--help'], { encoding: 'utf8' }).error === undefined || REQUIRED) return false;
  return 'mosquitto_pub not found (apt-get install mosquitto-clients)';
}

describe('MQTT 5 checked by the seed’s paho-mqtt device and by mosquitto_pub', () => {
  let broker: RunningBroker;
  before(async () => {
    broker = await startTestBroker();
    registerEc(broker, 'seed-ec', 'mosq-5');
    const rsaPublicPem = vectorFile('rsa_public.pem');
    broker.registry.add([{ deviceId: 'seed-rsa', alg: 'RS256', publicKey: rsaPublicPem }]);
    assert.equal(fingerprint(parsePublicKey(rsaPublicPem, 'rsa')).length, 64);
  });
  after(() => broker.close());

  const seed = (via: 'password' | 'method', alg: 'ES256' | 'RS256', deviceId: string, ...extra: string[]) => {
    const kind = alg === 'ES256' ? 'ec' : 'rsa';
    return run(PYTHON, [
      repoPath('test/broker/seed_client_v5.py'),
      via,
      alg,
      deviceId,
      repoPath(`test/fixtures/vectors/${kind}_private.pem`),
      repoPath(`test/fixtures/vectors/${kind}_public.pem`),
      '127.0.0.1',
      String(broker.port),
      ...extra,
    ]);
  };

  it(
    'paho-mqtt v5: the token as password and under CUSTOM-JWT gets in and its QoS 1 publish is acknowledged (ES256, RS256)',
    { skip: pythonMissing() },
    async () => {
      const acceptedBefore = counter(broker, BROKER_METRIC.authAccepted);
      for (const via of ['password', 'method'] as const) {
        for (const [alg, deviceId] of [
          ['ES256', 'seed-ec'],
          ['RS256', 'seed-rsa'],
        ] as const) {
          const device = await seed(via, alg, deviceId);
          assert.equal(device.status, 0, `${via} ${alg}: ${device.out} ${device.err}`);
          assert.equal(device.out, 'connack 0 puback 0', `${via} ${alg}`);
        }
      }
      assert.equal(counter(broker, BROKER_METRIC.authAccepted) - acceptedBefore, 4);
      assert.equal(counter(broker, BROKER_METRIC.messagesIn), 4);
    },
  );

  it('paho-mqtt v5: a forged token is CONNACK 0x87 (135) either way, and another method 0x8C (140)', { skip: pythonMissing() }, async () => {
    assert.equal((await seed('password', 'ES256', 'seed-ec', 'CUSTOM-JWT', 'forge')).out, 'connack 135');
    assert.equal((await seed('method', 'ES256', 'seed-ec', 'CUSTOM-JWT', 'forge')).out, 'connack 135');
    assert.equal((await seed('method', 'ES256', 'seed-ec', 'SCRAM-SHA-256')).out, 'connack 140');
  });

  it(
    'mosquitto_pub -V mqttv5: the token as password is accepted; a forged one is refused with 0x87, garbage with 0x86',
    { skip: mosquittoPubMissing() },
    async () => {
      const pub = (password: string) =>
        run('mosquitto_pub', [
          '-V',
          'mqttv5',
          '-h',
          '127.0.0.1',
          '-p',
          String(broker.port),
          '-i',
          'mosq-5',
          '-u',
          'unused',
          '-P',
          password,
          '-t',
          '/up/device/id/mosq-5',
          '-m',
          'hi',
          '-q',
          '1',
        ]);
      const token = await ecToken('mosq-5');
      const accepted = await pub(token);
      assert.equal(accepted.status, 0, accepted.err);
      const forged = await pub(token.replace(/.{4}$/, 'AAAA'));
      assert.notEqual(forged.status, 0);
      assert.match(forged.err, /not authori[sz]ed/i);
      const garbage = await pub('not a token');
      assert.notEqual(garbage.status, 0);
      assert.match(garbage.err, /bad user ?name or password/i);
    },
  );
});

describe('mosquitto 2 without an auth plugin, for the support matrix (docs/reauth.md)', () => {
  const skip = skipWithoutMosquitto() || pythonMissing();
  it('refuses a CONNECT with Authentication Method CUSTOM-JWT with 0x8C, and takes the token as password (unverified)', { skip }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-mosq5-'));
    const mosquitto = await MosquittoBroker.start(requireMosquittoTools().mosquitto, { dir, websockets: false, allowAnonymous: true });
    try {
      const seed = (via: 'password' | 'method') =>
        run(PYTHON, [
          repoPath('test/broker/seed_client_v5.py'),
          via,
          'ES256',
          'seed-ec',
          repoPath('test/fixtures/vectors/ec_private.pem'),
          repoPath('test/fixtures/vectors/ec_public.pem'),
          '127.0.0.1',
          String(mosquitto.port),
        ]);
      assert.equal((await seed('method')).out, 'connack 140');
      assert.equal((await seed('password')).out, 'connack 0 puback 0');
    } finally {
      await mosquitto.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
