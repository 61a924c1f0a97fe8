/**
 * The token-attack matrix against the embedded broker, over real sockets: each crafted password
 * gets its CONNACK code, is counted under exactly one reason (and no other), and a valid device
 * is accepted right after it. The broker's clock is injected, so a replay after expiry needs no
 * waiting.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { BROKER_METRIC } from '../../src/broker/broker-metrics.js';
import type { RunningBroker } from '../../src/broker/server.js';
import { fingerprint, parsePrivateKey } from '../../src/identity/keys.js';
import { REJECT_REASONS, type RejectReason } from '../../src/identity/verify.js';
import { vectorFile } from '../helpers.js';
import { connackCode } from './connack.js';
import { counter, EC_KID, EC_PRIVATE, EC_PUBLIC_PEM, startTestBroker } from './helpers.js';
import { b64, craft } from './jws-craft.js';

const DEVICE = 'dev-a';
const AUD = `https://akenza.io/devices/${DEVICE}`;
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const OTHER_KID = fingerprint(other.publicKey);
const RSA_PRIVATE = parsePrivateKey(vectorFile('rsa_private.pem'), 'rsa');
const HEADER = { alg: 'ES256', kid: EC_KID, typ: 'JWT' };
const es = { es256: EC_PRIVATE };

let clockMs = Date.now();
const nowSec = (): number => Math.floor(clockMs / 1000);
const claims = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ iat: nowSec(), exp: nowSec() + 1200, aud: AUD, ...extra });
const valid = (): string => craft(HEADER, claims(), es);

/** Flips a pad bit of the last base64url character: the same bytes, another spelling. */
function respell(segment: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return segment.slice(0, -1) + (alphabet[alphabet.indexOf(segment.slice(-1)) ^ 1] ?? '');
}

interface Attack {
  name: string;
  token: () => string;
  reason: RejectReason;
  clientId?: string;
}

const matrix: Attack[] = [
  { name: 'alg none, no signature', token: () => craft({ alg: 'none', kid: EC_KID }, claims(), 'unsigned'), reason: 'alg-not-allowed' },
  {
    name: 'HS256 keyed with the public key PEM (key confusion)',
    token: () => craft({ ...HEADER, alg: 'HS256' }, claims(), { hs256: EC_PUBLIC_PEM }),
    reason: 'alg-not-allowed',
  },
  { name: 'RS256 presented for an EC device', token: () => craft({ ...HEADER, alg: 'RS256' }, claims(), { rs256: RSA_PRIVATE }), reason: 'alg-not-allowed' },
  { name: 'kid of another registered device, signed with our key', token: () => craft({ ...HEADER, kid: OTHER_KID }, claims(), es), reason: 'kid-mismatch' },
  {
    name: "another registered device's own valid token under our client id",
    token: () => craft({ ...HEADER, kid: OTHER_KID }, claims(), { es256: other.privateKey }),
    reason: 'kid-mismatch',
  },
  { name: 'kid with a path', token: () => craft({ ...HEADER, kid: '../../../../etc/passwd' }, claims(), es), reason: 'kid-mismatch' },
  { name: 'kid with SQL', token: () => craft({ ...HEADER, kid: "x' OR '1'='1' --" }, claims(), es), reason: 'kid-mismatch' },
  { name: 'kid as an object', token: () => craft({ ...HEADER, kid: { $ne: null } }, claims(), es), reason: 'kid-mismatch' },
  { name: 'header that is not JSON', token: () => craft('{"alg":"ES256",', claims(), es), reason: 'not-jwt' },
  { name: 'header that is a JSON array', token: () => craft('["ES256"]', claims(), es), reason: 'not-jwt' },
  { name: 'payload that is not JSON, validly signed', token: () => craft(HEADER, 'iat=1&exp=2', es), reason: 'not-jwt' },
  { name: 'payload that is not UTF-8, validly signed', token: () => craft(HEADER, Buffer.from([0x7b, 0xff, 0x7d]), es), reason: 'not-jwt' },
  { name: 'an extra dot at the end', token: () => `${valid()}.`, reason: 'not-jwt' },
  { name: 'a fourth segment', token: () => `${valid()}.${b64('x')}`, reason: 'not-jwt' },
  { name: 'five segments, shaped like a JWE', token: () => `${b64(HEADER)}..${b64('iv')}.${b64('ct')}.${b64('tag')}`, reason: 'not-jwt' },
  { name: 'an empty payload segment', token: () => `${b64(HEADER)}..${valid().split('.')[2]}`, reason: 'not-jwt' },
  { name: 'base64 padding on the signature', token: () => `${valid()}==`, reason: 'not-jwt' },
  {
    name: 'standard base64 (+ and /) in the header',
    token: () => `${Buffer.from(JSON.stringify({ ...HEADER, x: '>>>???' })).toString('base64')}.${b64(claims())}.AAAA`,
    reason: 'not-jwt',
  },
  { name: 'an illegal character in the payload', token: () => valid().replace('.', '.*'), reason: 'not-jwt' },
  { name: 'whitespace inside the token', token: () => valid().replace('.', ' .'), reason: 'not-jwt' },
  { name: 'the signature respelled with non-zero pad bits (same bytes)', token: () => valid().replace(/[^.]+$/, (s) => respell(s)), reason: 'not-jwt' },
  { name: 'duplicate alg in the header, none first', token: () => craft(`{"alg":"none","alg":"ES256","kid":"${EC_KID}"}`, claims(), es), reason: 'not-jwt' },
  {
    name: 'duplicate aud in the claims, escaped',
    token: () => craft(HEADER, `{"iat":${nowSec()},"exp":${nowSec() + 600},"aud":"https://evil","\\u0061ud":"${AUD}"}`, es),
    reason: 'not-jwt',
  },
  { name: 'a crit header', token: () => craft({ ...HEADER, crit: ['exp'] }, claims(), es), reason: 'not-jwt' },
  { name: 'exp as a string', token: () => craft(HEADER, claims({ exp: String(nowSec() + 600) }), es), reason: 'bad-claims' },
  { name: 'exp as 1e400 (Infinity in JSON.parse)', token: () => craft(HEADER, `{"iat":${nowSec()},"exp":1e400,"aud":"${AUD}"}`, es), reason: 'bad-claims' },
  { name: 'exp as a float in the distant future', token: () => craft(HEADER, claims({ exp: 253402300799.5 }), es), reason: 'lifetime-too-long' },
  { name: 'iat missing', token: () => craft(HEADER, { exp: nowSec() + 600, aud: AUD }, es), reason: 'bad-claims' },
  {
    name: 'aud as an array holding the right value among others',
    token: () => craft(HEADER, claims({ aud: ['https://evil', AUD] }), es),
    reason: 'bad-audience',
  },
  { name: 'aud as an array holding only the right value', token: () => craft(HEADER, claims({ aud: [AUD] }), es), reason: 'bad-audience' },
  { name: 'nbf in the future', token: () => craft(HEADER, claims({ nbf: nowSec() + 3600 }), es), reason: 'nbf-in-future' },
  { name: 'nbf as a string', token: () => craft(HEADER, claims({ nbf: 'now' }), es), reason: 'bad-claims' },
  { name: 'a validly signed token just over 8 KiB', token: () => craft(HEADER, claims({ pad: 'x'.repeat(6200) }), es), reason: 'token-too-large' },
  { name: 'a 60 KiB token', token: () => `${valid()}${'A'.repeat(60_000)}`, reason: 'token-too-large' },
  { name: 'a valid token for another client id', token: () => valid(), clientId: 'dev-a-impostor', reason: 'unknown-device' },
];

/** MQTT 3.1.1 §3.2.2.3: 4 for a password that is not a usable token, 5 for one that fails a check. */
const codeFor = (reason: RejectReason): number => (['missing-password', 'not-jwt', 'token-too-large'].includes(reason) ? 4 : 5);

describe('token attacks on the embedded broker: each refused, counted by reason, and a valid device right after', () => {
  let broker: RunningBroker;
  const rejections = (): Record<string, number> => Object.fromEntries(REJECT_REASONS.map((r) => [r, counter(broker, BROKER_METRIC.authRejectedPrefix + r)]));

  before(async () => {
    broker = await startTestBroker({ nowMs: () => clockMs });
    broker.registry.add([
      { deviceId: DEVICE, alg: 'ES256', publicKey: EC_PUBLIC_PEM },
      { deviceId: 'dev-b', alg: 'ES256', publicKey: other.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    ]);
  });
  after(() => broker.close());

  it('the matrix is not vacuous: the unaltered token and the other device are accepted', async () => {
    assert.equal(await connackCode(broker.port, DEVICE, valid()), 0);
    assert.equal(
      await connackCode(
        broker.port,
        'dev-b',
        craft({ ...HEADER, kid: OTHER_KID }, { ...claims(), aud: 'https://akenza.io/devices/dev-b' }, { es256: other.privateKey }),
      ),
      0,
    );
  });

  for (const attack of matrix) {
    it(`${attack.name}: ${attack.reason}, CONNACK ${codeFor(attack.reason)}`, async () => {
      const before = rejections();
      const acceptedBefore = counter(broker, BROKER_METRIC.authAccepted);
      assert.equal(await connackCode(broker.port, attack.clientId ?? DEVICE, attack.token()), codeFor(attack.reason));
      const after = rejections();
      for (const reason of REJECT_REASONS) assert.equal(after[reason]! - before[reason]!, reason === attack.reason ? 1 : 0, `counted under ${reason}`);
      assert.equal(await connackCode(broker.port, DEVICE, valid()), 0);
      assert.equal(counter(broker, BROKER_METRIC.authAccepted), acceptedBefore + 1);
    });
  }

  it('a valid token replayed after its expiry (past the skew) is refused as expired', async () => {
    const token = craft(HEADER, claims({ exp: nowSec() + 300 }), es);
    assert.equal(await connackCode(broker.port, DEVICE, token), 0);
    const expiredBefore = counter(broker, BROKER_METRIC.authRejectedPrefix + 'expired');
    clockMs += (300 + 60 + 1) * 1000;
    assert.equal(await connackCode(broker.port, DEVICE, token), 5);
    assert.equal(counter(broker, BROKER_METRIC.authRejectedPrefix + 'expired'), expiredBefore + 1);
    assert.equal(await connackCode(broker.port, DEVICE, valid()), 0);
  });
});
