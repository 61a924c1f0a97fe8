/**
 * Property tests of the verifier: no input makes it throw, and no one-character change to a valid
 * token (nor a respelling of any segment) is ever accepted.
 */
import assert from 'node:assert/strict';
import { sign } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fingerprint, parsePrivateKey, parsePublicKey } from '../../src/identity/keys.js';
import { verifyDeviceToken, type DeviceRegistration, type VerifyPolicy } from '../../src/identity/verify.js';
import { vectorFile } from '../helpers.js';

const NOW = 1_800_000_000;
const policy: VerifyPolicy = {
  audienceTemplate: 'https://akenza.io/devices/{deviceId}',
  skewSec: 60,
  maxLifetimeSec: 86400,
  maxTokenBytes: 8192,
  requireKid: true,
};
const publicKey = parsePublicKey(vectorFile('ec_public.pem'), 'ec');
const registration: DeviceRegistration = { deviceId: 'd', alg: 'ES256', publicKey, kid: fingerprint(publicKey) };
const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const input = `${b64({ alg: 'ES256', kid: registration.kid, typ: 'JWT' })}.${b64({ iat: NOW, exp: NOW + 600, aud: 'https://akenza.io/devices/d' })}`;
const signature = sign('sha256', Buffer.from(input), { key: parsePrivateKey(vectorFile('ec_private.pem'), 'ec'), dsaEncoding: 'ieee-p1363' }).toString(
  'base64url',
);
const TOKEN = `${input}.${signature}`;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';

describe('verifier properties', () => {
  it('the unaltered token is accepted (so the properties below can fail)', () => {
    assert.equal(verifyDeviceToken(TOKEN, registration, policy, NOW).ok, true);
  });

  it('never throws, whatever the password', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 600 }), fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 600 })), (token) => {
        verifyDeviceToken(token, registration, policy, NOW);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses every token with one character changed, added or removed', () => {
    const edit = fc.tuple(fc.nat({ max: TOKEN.length - 1 }), fc.constantFrom(...ALPHABET), fc.constantFrom('replace', 'insert', 'delete'));
    fc.assert(
      fc.property(edit, ([at, char, kind]) => {
        const token =
          kind === 'replace'
            ? TOKEN.slice(0, at) + char + TOKEN.slice(at + 1)
            : kind === 'insert'
              ? TOKEN.slice(0, at) + char + TOKEN.slice(at)
              : TOKEN.slice(0, at) + TOKEN.slice(at + 1);
        fc.pre(token !== TOKEN);
        assert.equal(verifyDeviceToken(token, registration, policy, NOW).ok, false, token);
      }),
      { numRuns: 1000 },
    );
  });
});
