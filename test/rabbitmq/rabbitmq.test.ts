/**
 * Tokens checked by a verifier we did not write: RabbitMQ 3.10's MQTT plugin with its OAuth 2
 * backend (Erlang's JOSE). One node for the file, its signing keys exported by `keys export
 * --format rabbitmq`. Our counts are checked against RabbitMQ's own (its management API), every
 * refusal must be a refusal, and the seed's Python client gets in the same way our devices do.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { ConfigError, run, scenarioFromObject } from '../../src/index.js';
import { loadKeystore } from '../../src/identity/keystore.js';
import { signTokenSync, type TokenSpec } from '../../src/identity/token.js';
import type { RunResult } from '../../src/report/model/run-result.js';
import type { ScenarioInput } from '../../src/scenario/schema.js';
import { craft } from '../broker/jws-craft.js';
import { repoPath } from '../helpers.js';
import { attemptConnect } from './attempt.js';
import { OWN_UPLINK_SCOPE, RESOURCE_SERVER_ID, rabbitmqSuite, type KeysToMake } from './suite.js';
import { skipWithoutRabbitmq } from './tools.js';

const skip = skipWithoutRabbitmq();
const PYTHON = '/usr/bin/python3';

const KEYS: KeysToMake[] = [
  { file: 'ec.json', alg: 'ES256', count: 6, idPattern: 'ec-{index}', registered: true },
  { file: 'rsa.json', alg: 'RS256', count: 3, idPattern: 'rsa-{index}', registered: true },
  { file: 'aud.json', alg: 'ES256', count: 2, idPattern: 'aud-{index}', registered: true },
  { file: 'noscope.json', alg: 'ES256', count: 2, idPattern: 'noscope-{index}', registered: true },
  { file: 'vhost.json', alg: 'ES256', count: 2, idPattern: 'vhost-{index}', registered: true },
  { file: 'refresh.json', alg: 'ES256', count: 4, idPattern: 'refresh-{index}', registered: true },
  { file: 'seed-ec.json', alg: 'ES256', count: 1, idPattern: 'seed-ec', registered: true },
  { file: 'seed-rsa.json', alg: 'RS256', count: 1, idPattern: 'seed-rsa', registered: true },
  { file: 'wrongkey.json', alg: 'ES256', count: 2, idPattern: 'wrongkey-{index}', registered: false },
];

type Group = NonNullable<ScenarioInput['groups']>[number];

function group(name: string, store: string, alg: 'ES256' | 'RS256', count: number, idPattern: string, token: Group['token'] = rabbitToken()): Group {
  return { name, count, idPattern, alg, keys: { store }, token };
}

function rabbitToken(overrides: Partial<NonNullable<Group['token']>> = {}): Group['token'] {
  return { audience: RESOURCE_SERVER_ID, claims: { scope: OWN_UPLINK_SCOPE }, ...overrides };
}

function scenario(name: string, port: number, groups: Group[], stages: ScenarioInput['stages']): ScenarioInput & { name: string } {
  return {
    name,
    broker: `mqtt://127.0.0.1:${port}`,
    workers: 2,
    mqtt: { protocolVersion: 4, keepalive: '30s', connectTimeout: '15s', clean: true },
    groups,
    stages,
  };
}

const runScenario = (s: ScenarioInput & { name: string }): Promise<RunResult> => run(scenarioFromObject(s, s.name));

describe('against RabbitMQ with its OAuth 2 backend: tokens verified by a broker we did not write', () => {
  const suite = rabbitmqSuite('rabbitmq', skip, KEYS);

  it('ES256 and RS256 devices with per-device keys connect and publish at QoS 1; RabbitMQ counted exactly what we say it acknowledged', { skip }, async () => {
    const result = await runScenario(
      scenario(
        'rabbitmq-publish',
        suite.node.mqttPort,
        [group('ec', suite.keystore('ec.json'), 'ES256', 6, 'ec-{index}'), group('rsa', suite.keystore('rsa.json'), 'RS256', 3, 'rsa-{index}')],
        [
          { type: 'connect', rate: '50/s', order: 'interleaved' },
          { type: 'publish', rate: '10/s', count: 5, qos: 1, order: 'interleaved' },
          { type: 'disconnect' },
        ],
      ),
    );
    assert.equal(result.status, 'complete', result.statusReason);
    for (const [name, devices] of [
      ['ec', 6],
      ['rsa', 3],
    ] as const) {
      const g = result.groups[name];
      assert.deepEqual(g?.connectFailures, {}, `${name}\n${suite.node.log.slice(-3000)}`);
      assert.equal(g?.counters['connected'], devices, name);
      assert.equal(g?.counters['published'], devices * 5, name);
      assert.equal(g?.counters['acked'], devices * 5, name);
    }
    assert.deepEqual(result.total.errors, {});
    suite.accepted(45);
    assert.equal(await suite.settledPublishedIn(suite.acceptedSoFar), suite.acceptedSoFar, 'publish_in of amq.topic, by the management API');
  });

  it(
    'refuses a key it does not know, a wrong aud, a token without scope and one for another vhost, each device counted; the control group gets in',
    { skip },
    async () => {
      const result = await runScenario(
        scenario(
          'rabbitmq-refusals',
          suite.node.mqttPort,
          [
            group('control', suite.keystore('ec.json'), 'ES256', 2, 'ec-{index}'),
            group('wrong-key', suite.keystore('wrongkey.json', false), 'ES256', 2, 'wrongkey-{index}'),
            group('wrong-aud', suite.keystore('aud.json'), 'ES256', 2, 'aud-{index}', rabbitToken({ audience: 'https://akenza.io/devices/{deviceId}' })),
            group('no-scope', suite.keystore('noscope.json'), 'ES256', 2, 'noscope-{index}', { audience: RESOURCE_SERVER_ID }),
            group('other-vhost', suite.keystore('vhost.json'), 'ES256', 2, 'vhost-{index}', rabbitToken({ claims: { scope: 'rabbitmq.write:other/*' } })),
          ],
          [{ type: 'connect', rate: '50/s' }, { type: 'disconnect' }],
        ),
      );
      assert.equal(result.status, 'complete', result.statusReason);
      assert.equal(result.groups['control']?.counters['connected'], 2, suite.node.log.slice(-3000));
      // A token RabbitMQ cannot validate (unknown kid, wrong aud, no scope claim) is a failed login,
      // CONNACK 4; a valid token that grants nothing on the vhost is CONNACK 5 (MQTT 3.1.1 §3.2.2.3).
      const expected: Record<string, string> = {
        'wrong-key': 'bad-username-or-password',
        'wrong-aud': 'bad-username-or-password',
        'no-scope': 'bad-username-or-password',
        'other-vhost': 'not-authorized',
      };
      for (const [name, reason] of Object.entries(expected)) {
        const g = result.groups[name];
        assert.equal(g?.counters['connected'], undefined, `${name} must not get in`);
        assert.equal(g?.counters['connectFailed'], 2, name);
        assert.deepEqual(g?.connectFailures, { [reason]: 2 }, name);
      }
    },
  );

  it('refuses every forged, expired or tampered token, while the same device with a good token gets in', { skip }, async () => {
    const ec = await loadKeystore(suite.keystore('ec.json'));
    const rsa = await loadKeystore(suite.keystore('rsa.json'));
    const other = await loadKeystore(suite.keystore('wrongkey.json', false));
    const device = 'ec-6';
    const ecEntry = ec.devices[device];
    const rsaEntry = rsa.devices['rsa-1'];
    const otherEntry = other.devices['wrongkey-1'];
    assert.ok(ecEntry !== undefined && rsaEntry !== undefined && otherEntry !== undefined);
    const ecKey = createPrivateKey({ key: ecEntry.privateKey, format: 'jwk' });
    const nowSec = Math.floor(Date.now() / 1000);
    const spec: TokenSpec = { alg: 'ES256', audienceTemplate: RESOURCE_SERVER_ID, lifetimeSec: 600, includeKid: true, claims: { scope: OWN_UPLINK_SCOPE } };
    const good = signTokenSync(spec, device, ecKey, ecEntry.kid, nowSec);
    const [h, p, s] = good.split('.') as [string, string, string];
    const header = { alg: 'ES256', kid: ecEntry.kid, typ: 'JWT' };
    const claims = { iat: nowSec, exp: nowSec + 600, aud: RESOURCE_SERVER_ID, scope: OWN_UPLINK_SCOPE.replace('{deviceId}', device) };
    const readOnly = signTokenSync({ ...spec, claims: { scope: 'rabbitmq.read:*/*' } }, device, ecKey, ecEntry.kid, nowSec);
    const forged: Record<string, string> = {
      'signature changed in one byte': `${h}.${p}.${flip(s)}`,
      'claims changed after signing (scope widened)': `${readOnly.split('.')[0]}.${Buffer.from(JSON.stringify({ ...claims, scope: 'rabbitmq.write:*/*/* rabbitmq.configure:*/* rabbitmq.read:*/*' })).toString('base64url')}.${readOnly.split('.')[2]}`,
      'signed by another key under a registered kid': craft(header, claims, { es256: createPrivateKey({ key: otherEntry.privateKey, format: 'jwk' }) }),
      'alg none, no signature': craft({ alg: 'none', kid: ecEntry.kid, typ: 'JWT' }, claims, 'unsigned'),
      'HS256 keyed with the registered RSA public key (algorithm confusion)': craft({ alg: 'HS256', kid: rsaEntry.kid, typ: 'JWT' }, claims, {
        hs256: rsaEntry.publicKey,
      }),
      'RS256 header on an EC key': `${Buffer.from(JSON.stringify({ ...header, alg: 'RS256' })).toString('base64url')}.${p}.${sign('sha256', Buffer.from(`${Buffer.from(JSON.stringify({ ...header, alg: 'RS256' })).toString('base64url')}.${p}`), { key: ecKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`,
      'no kid (no default key configured)': craft({ alg: 'ES256', typ: 'JWT' }, claims, { es256: ecKey }),
      'expired two minutes ago': signTokenSync(spec, device, ecKey, ecEntry.kid, nowSec - 600 - 120),
      'a JWK Set in place of a token': JSON.stringify({ keys: [createPublicKey(ecKey).export({ format: 'jwk' })] }),
    };
    const accepted: string[] = [];
    const answers: Record<string, string> = {};
    for (const [name, token] of Object.entries(forged)) {
      const answer = await attemptConnect(suite.node.mqttPort, device, token);
      answers[name] = answer.connected ? 'ACCEPTED' : `refused (${answer.connack ?? answer.message})`;
      if (answer.connected || answer.connack === undefined) accepted.push(name);
    }
    assert.deepEqual(accepted, [], `each must be refused with a CONNACK code:\n${JSON.stringify(answers, null, 2)}`);
    // The control: the same device, the same moment, a good token, publishing to its own uplink.
    assert.deepEqual(await attemptConnect(suite.node.mqttPort, device, good, `/up/device/id/${device}`), { connected: true, published: 'acked' });
    suite.accepted(1);
  });

  it("a scope for another device's uplink gets in, and RabbitMQ closes the connection at the first PUBLISH instead of acknowledging it", { skip }, async () => {
    const ec = await loadKeystore(suite.keystore('ec.json'));
    const entry = ec.devices['ec-5'];
    assert.ok(entry !== undefined);
    const key = createPrivateKey({ key: entry.privateKey, format: 'jwk' });
    const spec: TokenSpec = {
      alg: 'ES256',
      audienceTemplate: RESOURCE_SERVER_ID,
      lifetimeSec: 600,
      includeKid: true,
      claims: { scope: 'rabbitmq.write:*/amq.topic/.up.device.id.ec-4' },
    };
    const token = signTokenSync(spec, 'ec-5', key, entry.kid, Date.now() / 1000);
    assert.deepEqual(await attemptConnect(suite.node.mqttPort, 'ec-5', token, '/up/device/id/ec-5'), { connected: true, published: 'closed' });
  });

  it('refreshes tokens in a run longer than their lifetime: every device reconnects with fresh ones, nothing lost, RabbitMQ agrees', { skip }, async () => {
    const result = await runScenario(
      scenario(
        'rabbitmq-refresh',
        suite.node.mqttPort,
        [group('refresh', suite.keystore('refresh.json'), 'ES256', 4, 'refresh-{index}', rabbitToken({ lifetime: '6s', refreshBefore: '2s' }))],
        [{ type: 'connect', rate: '50/s' }, { type: 'publish', rate: '2/s', count: 20, qos: 1 }, { type: 'disconnect' }],
      ),
    );
    const c = result.total.counters;
    assert.equal(result.status, 'complete', result.statusReason);
    assert.deepEqual(result.total.connectFailures, {}, suite.node.log.slice(-3000));
    assert.deepEqual(result.total.errors, {});
    assert.equal(c['connected'], 4);
    // 6 s tokens refreshed 2–3 s before exp, over 10 s of publishing: at least twice per device.
    assert.ok((c['refreshes'] ?? 0) >= 8, `refreshes: ${c['refreshes']}`);
    assert.equal(c['published'], 80);
    assert.equal(c['acked'], 80);
    suite.accepted(80);
    // Also says that the refused PUBLISH of the test before was not counted.
    assert.equal(await suite.settledPublishedIn(suite.acceptedSoFar), suite.acceptedSoFar);
  });

  it(
    'an MQTT 5 scenario with the token as Authentication Data is refused before any device connects: RabbitMQ 3.10 closes an MQTT 5 CONNECT unanswered (exit 2)',
    { skip },
    async () => {
      const s = scenario(
        'rabbitmq-mqtt5',
        suite.node.mqttPort,
        [group('ec', suite.keystore('ec.json'), 'ES256', 2, 'ec-{index}', rabbitToken({ refresh: 'reauth' }))],
        [{ type: 'connect' }, { type: 'disconnect' }],
      );
      const before = suite.node.log.length;
      await assert.rejects(
        runScenario({ ...s, mqtt: { ...s.mqtt, protocolVersion: 5, auth: 'method' } }),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.exitCode === 2 &&
          error.message ===
            `broker mqtt://127.0.0.1:${suite.node.mqttPort} closed the connection without answering an MQTT 5 CONNECT: it speaks MQTT 3.1.1 or older only, but the scenario sets mqtt.protocolVersion: 5 (with mqtt.auth: method and token.refresh: reauth)`,
      );
      // The probe is the only client RabbitMQ saw: no device of the run tried to log in.
      assert.doesNotMatch(suite.node.log.slice(before), /ec-[12]/);
    },
  );

  const python = skip || pythonMissing();
  it(
    "the seed's own Python client (paho-mqtt, PyJWT, PyCryptodome) gets in over TLS with ES256 and RS256, its kid is ours, and a wrong aud is refused",
    { skip: python },
    async () => {
      for (const [file, deviceId, alg] of [
        ['seed-ec.json', 'seed-ec', 'ES256'],
        ['seed-rsa.json', 'seed-rsa', 'RS256'],
      ] as const) {
        const { privatePem, publicPem } = await suite.pemFiles(file, deviceId);
        const ours = (await loadKeystore(suite.keystore(file))).devices[deviceId]?.kid;
        // As the page does it: TLS 1.2 with the server's certificate verified (CERT_REQUIRED), here
        // against the test CA, to a host name.
        const seed = (audience: string): ReturnType<typeof spawnSync> =>
          spawnSync(
            PYTHON,
            [
              repoPath('test/rabbitmq/seed_client.py'),
              alg,
              deviceId,
              privatePem,
              publicPem,
              'localhost',
              String(suite.node.mqttsPort),
              audience,
              JSON.stringify({ scope: OWN_UPLINK_SCOPE.replace('{deviceId}', deviceId) }),
              suite.caFile,
            ],
            {
              encoding: 'utf8',
              timeout: 60_000,
            },
          );
        const accepted = seed(RESOURCE_SERVER_ID);
        assert.equal(accepted.status, 0, `${alg}: ${String(accepted.stderr)}\n${suite.node.log.slice(-2000)}`);
        // RabbitMQ found the key by the kid PyCryptodome computed: our export's kid is the same.
        assert.equal(String(accepted.stdout).trim(), ours, alg);
        const refused = seed('https://akenza.io/devices/{deviceId}');
        assert.notEqual(refused.status, 0, `${alg}: a wrong aud must be refused`);
        assert.match(String(refused.stderr), /Connection Refused: bad user name or password/, alg);
      }
      // publish.single sends at QoS 0; RabbitMQ counted both messages.
      suite.accepted(2);
      assert.equal(await suite.settledPublishedIn(suite.acceptedSoFar), suite.acceptedSoFar);
    },
  );
});

function flip(b64url: string): string {
  const bytes = Buffer.from(b64url, 'base64url');
  bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0x01;
  return bytes.toString('base64url');
}

/** A skip message when Debian's Python packages the seed needs are missing (CI installs them). */
function pythonMissing(): string | false {
  const check = spawnSync(
    PYTHON,
    [
      '-c',
      'import jwt, paho.mqtt.publish, jwt.algorithms as a\ntry:\n import Crypto.PublicKey\nexcept ImportError:\n import Cryptodome.PublicKey\nassert a.has_crypto',
    ],
    { encoding: 'utf8' },
  );
  if (check.status === 0) return false;
  const message =
    'python3 with paho-mqtt, PyJWT (with cryptography) and PyCryptodome not found (apt-get install python3-paho-mqtt python3-jwt python3-cryptography python3-pycryptodome)';
  if (process.env['REQUIRE_RABBITMQ'] === '1') return false;
  return message;
}
