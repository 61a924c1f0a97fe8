import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { BROKER_METRIC } from '../../src/broker/broker-metrics.js';
import { startBroker, type RunningBroker } from '../../src/broker/server.js';
import { parsePrivateKey } from '../../src/identity/keys.js';
import { MetricsTotals } from '../../src/metrics/snapshot.js';
import type { MqttPlan } from '../../src/scenario/run-plan.js';
import { MqttJsSession, type ConnectOutcome } from '../../src/worker/engines/mqttjs/mqttjs-session.js';
import { vectorFile, vectors } from '../helpers.js';
import { testMqttPlan } from '../support/mqtt-plan.js';

const mqtt: MqttPlan = testMqttPlan('mqttjs', { protocolVersion: 4, reconnect: { enabled: true, initialDelayMs: 250, maxDelayMs: 5000, maxAttempts: 10 } });
const AUD = 'https://akenza.io/devices/{deviceId}';
const DEVICE = vectors.deviceId;
const ec = vectors.cases.find((c) => c.name === 'ec')!;
const rsa = vectors.cases.find((c) => c.name === 'rsa')!;

let broker: RunningBroker;

async function connect(password: string, clientId = DEVICE): Promise<ConnectOutcome> {
  const session = new MqttJsSession(clientId, () => {});
  const outcome = await session.connect({ url: `mqtt://127.0.0.1:${broker.port}` }, mqtt, password);
  await session.disconnect();
  return outcome;
}

function rejected(reason: string): number {
  const totals = new MetricsTotals();
  totals.add(broker.metrics.snapshot());
  return totals.counter(BROKER_METRIC.authRejectedPrefix + reason);
}

function register(alg: 'ES256' | 'RS256', publicKeyFile: string, audience = AUD): void {
  broker.registry.add([{ deviceId: DEVICE, alg, publicKey: vectorFile(publicKeyFile), audience }]);
}

async function ecToken(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'ES256', kid: ec.kid, typ: 'JWT' }): Promise<string> {
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(parsePrivateKey(vectorFile('ec_private.pem'), 'ec'));
}

const now = (): number => Math.floor(Date.now() / 1000);
const aud = `https://akenza.io/devices/${DEVICE}`;

describe('embedded broker authentication', () => {
  before(async () => {
    broker = await startBroker({
      host: '127.0.0.1',
      port: 0,
      policy: { audienceTemplate: AUD, skewSec: 60, maxLifetimeSec: 200 * 365 * 86400, maxTokenBytes: 8192, requireKid: true },
    });
  });
  after(() => broker.close());

  for (const c of vectors.cases) {
    it(`accepts the ${c.name} vector token for ${DEVICE}`, async () => {
      register(c.alg, c.publicKey, c.aud.replace(DEVICE, '{deviceId}'));
      assert.deepEqual(await connect(c.token), { ok: true });
    });
  }

  it('refuses a token with the wrong aud (not authorized)', async () => {
    register('ES256', 'ec_public.pem');
    const before = rejected('bad-audience');
    const outcome = await connect(await ecToken({ iat: now(), exp: now() + 1200, aud: 'https://akenza.io/devices/someone-else' }));
    assert.deepEqual(outcome, { ok: false, reason: 'not-authorized' });
    assert.equal(rejected('bad-audience'), before + 1);
  });

  it('refuses an expired token', async () => {
    register('ES256', 'ec_public.pem');
    const before = rejected('expired');
    const outcome = await connect(await ecToken({ iat: now() - 7200, exp: now() - 3600, aud }));
    assert.deepEqual(outcome, { ok: false, reason: 'not-authorized' });
    assert.equal(rejected('expired'), before + 1);
  });

  it('refuses a token whose kid is not the registered key fingerprint', async () => {
    register('ES256', 'ec_public.pem');
    const before = rejected('kid-mismatch');
    const outcome = await connect(await ecToken({ iat: now(), exp: now() + 1200, aud }, { alg: 'ES256', kid: rsa.kid, typ: 'JWT' }));
    assert.deepEqual(outcome, { ok: false, reason: 'not-authorized' });
    assert.equal(rejected('kid-mismatch'), before + 1);
  });

  it('refuses a token with a bad signature', async () => {
    register('ES256', 'ec_public.pem');
    const before = rejected('bad-signature');
    const [h, p, s] = ec.token.split('.') as [string, string, string];
    const flipped = s.slice(0, 10) + (s[10] === 'A' ? 'B' : 'A') + s.slice(11);
    assert.deepEqual(await connect(`${h}.${p}.${flipped}`), { ok: false, reason: 'not-authorized' });
    assert.equal(rejected('bad-signature'), before + 1);
  });

  it('refuses a password that is not a JWT (bad user name or password)', async () => {
    const before = rejected('not-jwt');
    assert.deepEqual(await connect('hunter2'), { ok: false, reason: 'bad-username-or-password' });
    assert.equal(rejected('not-jwt'), before + 1);
  });

  it('refuses an unregistered client id', async () => {
    const before = rejected('unknown-device');
    assert.deepEqual(await connect(ec.token, 'nobody'), { ok: false, reason: 'not-authorized' });
    assert.equal(rejected('unknown-device'), before + 1);
  });

  it('refuses a token signed with another algorithm than the registered key', async () => {
    register('ES256', 'ec_public.pem');
    const before = rejected('alg-not-allowed');
    assert.deepEqual(await connect(rsa.token), { ok: false, reason: 'not-authorized' });
    assert.equal(rejected('alg-not-allowed'), before + 1);
  });

  it('refuses an iat more than the skew in the future', async () => {
    register('ES256', 'ec_public.pem');
    const before = rejected('iat-in-future');
    assert.deepEqual(await connect(await ecToken({ iat: now() + 600, exp: now() + 1800, aud })), { ok: false, reason: 'not-authorized' });
    assert.equal(rejected('iat-in-future'), before + 1);
  });

  it('refuses a CONNECT without a password (bad user name or password)', async () => {
    register('ES256', 'ec_public.pem');
    const before = rejected('missing-password');
    assert.deepEqual(await connect(''), { ok: false, reason: 'bad-username-or-password' });
    assert.equal(rejected('missing-password'), before + 1);
  });

  it('refuses a token over 8 KiB before parsing it (bad user name or password)', async () => {
    register('ES256', 'ec_public.pem');
    const before = rejected('token-too-large');
    const [h, p, s] = ec.token.split('.') as [string, string, string];
    const padded = `${h}.${p}${'A'.repeat(8192)}.${s}`;
    assert.deepEqual(await connect(padded), { ok: false, reason: 'bad-username-or-password' });
    assert.equal(rejected('token-too-large'), before + 1);
  });

  it('refuses alg none (an unsigned token)', async () => {
    register('ES256', 'ec_public.pem');
    const before = rejected('alg-not-allowed');
    const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${b64({ alg: 'none', kid: ec.kid, typ: 'JWT' })}.${b64({ iat: now(), exp: now() + 600, aud })}.`;
    assert.deepEqual(await connect(unsigned), { ok: false, reason: 'not-authorized' });
    assert.equal(rejected('alg-not-allowed'), before + 1);
  });

  it('refuses HS256 signed with the public key PEM as the secret (key confusion)', async () => {
    register('ES256', 'ec_public.pem');
    const before = rejected('alg-not-allowed');
    const token = await new SignJWT({ iat: now(), exp: now() + 600, aud })
      .setProtectedHeader({ alg: 'HS256', kid: ec.kid, typ: 'JWT' })
      .sign(new TextEncoder().encode(vectorFile('ec_public.pem')));
    assert.deepEqual(await connect(token), { ok: false, reason: 'not-authorized' });
    assert.equal(rejected('alg-not-allowed'), before + 1);
  });

  it('refuses a token without kid when kid is required', async () => {
    register('ES256', 'ec_public.pem');
    const before = rejected('kid-missing');
    assert.deepEqual(await connect(await ecToken({ iat: now(), exp: now() + 600, aud }, { alg: 'ES256', typ: 'JWT' })), {
      ok: false,
      reason: 'not-authorized',
    });
    assert.equal(rejected('kid-missing'), before + 1);
  });

  it('refuses exp or iat that is not a NumericDate (RFC 7519 §2)', async () => {
    register('ES256', 'ec_public.pem');
    const before = rejected('bad-claims');
    assert.deepEqual(await connect(await ecToken({ iat: now(), exp: String(now() + 600), aud })), { ok: false, reason: 'not-authorized' });
    assert.equal(rejected('bad-claims'), before + 1);
  });

  it('refuses a lifetime over the maximum (24 h by default)', async () => {
    const strict = await startBroker({
      host: '127.0.0.1',
      port: 0,
      policy: { audienceTemplate: AUD, skewSec: 60, maxLifetimeSec: 24 * 3600, maxTokenBytes: 8192, requireKid: true },
    });
    try {
      strict.registry.add([{ deviceId: DEVICE, alg: 'ES256', publicKey: vectorFile('ec_public.pem') }]);
      const session = new MqttJsSession(DEVICE, () => {});
      const outcome = await session.connect({ url: `mqtt://127.0.0.1:${strict.port}` }, mqtt, await ecToken({ iat: now(), exp: now() + 25 * 3600, aud }));
      await session.disconnect();
      assert.deepEqual(outcome, { ok: false, reason: 'not-authorized' });
      const totals = new MetricsTotals();
      totals.add(strict.metrics.snapshot());
      assert.equal(totals.counter(BROKER_METRIC.authRejectedPrefix + 'lifetime-too-long'), 1);
    } finally {
      await strict.close();
    }
  });

  it('records one verify time per signature checked', () => {
    const totals = new MetricsTotals();
    totals.add(broker.metrics.snapshot());
    assert.ok(totals.histogram('verifyUs.ES256').totalCount >= 4);
    assert.ok(totals.histogram('verifyUs.RS256').totalCount >= 2);
  });
});
