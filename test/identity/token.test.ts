import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeProtectedHeader, importSPKI, jwtVerify, SignJWT } from 'jose';
import { fingerprint, generateKeyPair, parsePrivateKey, parsePublicKey } from '../../src/identity/keys.js';
import { signDeviceToken, signTokenAsync, signTokenSync } from '../../src/identity/token.js';
import { verifyDeviceToken, type VerifyPolicy } from '../../src/identity/verify.js';
import { vectorFile, vectors } from '../helpers.js';

const policy: VerifyPolicy = {
  audienceTemplate: 'https://akenza.io/devices/{deviceId}',
  skewSec: 60,
  maxLifetimeSec: 200 * 365 * 86400,
  maxTokenBytes: 8192,
  requireKid: true,
};

describe('device tokens against the PyJWT vectors', () => {
  for (const c of vectors.cases) {
    const privateKey = parsePrivateKey(vectorFile(c.privateKey), c.privateKey);
    const publicKey = parsePublicKey(vectorFile(c.publicKey), c.publicKey);
    const sign = (): Promise<string> =>
      signDeviceToken({
        deviceId: vectors.deviceId,
        alg: c.alg,
        privateKey,
        kid: fingerprint(publicKey),
        audienceTemplate: c.aud.replace(vectors.deviceId, '{deviceId}'),
        lifetimeSec: vectors.exp - vectors.iat,
        nowSec: vectors.iat,
      });

    it(`${c.name}: our token verifies under the vector public key with jose`, async () => {
      const token = await sign();
      const { payload, protectedHeader } = await jwtVerify(token, await importSPKI(vectorFile(c.publicKey), c.alg), { audience: c.aud, algorithms: [c.alg] });
      assert.deepEqual(payload, { iat: vectors.iat, exp: vectors.exp, aud: c.aud });
      assert.deepEqual(protectedHeader, { alg: c.alg, kid: c.kid, typ: 'JWT' });
    });

    if (c.alg === 'RS256') {
      // RSASSA-PKCS1-v1_5 is deterministic: same header, claims and key give the same bytes.
      it(`${c.name}: our RS256 token is byte-identical to PyJWT's`, async () => {
        assert.equal(await sign(), c.token);
      });
    } else {
      it(`${c.name}: our header and claims segments equal PyJWT's`, async () => {
        assert.equal((await sign()).split('.').slice(0, 2).join('.'), c.token.split('.').slice(0, 2).join('.'));
      });
    }

    it(`${c.name}: the vector token passes our verifier`, () => {
      const registration = { deviceId: vectors.deviceId, alg: c.alg, publicKey, kid: c.kid, audienceTemplate: c.aud.replace(vectors.deviceId, '{deviceId}') };
      const outcome = verifyDeviceToken(c.token, registration, policy, Date.now() / 1000);
      assert.deepEqual(outcome, { ok: true, expSec: vectors.exp, signatureChecked: true });
      assert.equal(decodeProtectedHeader(c.token).kid, c.kid);
    });
  }

  it('jose-signed tokens pass our verifier', async () => {
    const c = vectors.cases.find((v) => v.name === 'ec') as (typeof vectors.cases)[number];
    const privateKey = parsePrivateKey(vectorFile(c.privateKey), c.privateKey);
    const token = await new SignJWT({ aud: c.aud }).setProtectedHeader({ alg: 'ES256', kid: c.kid }).setIssuedAt().setExpirationTime('20m').sign(privateKey);
    const registration = { deviceId: vectors.deviceId, alg: 'ES256' as const, publicKey: parsePublicKey(vectorFile(c.publicKey), 'pub'), kid: c.kid };
    assert.equal(verifyDeviceToken(token, registration, policy, Date.now() / 1000).ok, true);
  });
});

describe('every algorithm: our signer against jose', () => {
  for (const alg of ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const) {
    it(`${alg}: jose verifies our token, extra claims and headers included; our verifier accepts jose's`, async () => {
      const pair = generateKeyPair(alg);
      const privateKey = parsePrivateKey(pair.privateKeyPem, alg);
      const publicKey = parsePublicKey(pair.publicKeyPem, alg);
      const kid = fingerprint(publicKey);
      const spec = {
        alg,
        audienceTemplate: '{deviceId}@test',
        lifetimeSec: 60,
        includeKid: true,
        claims: { sub: '{deviceId}', n: 3 },
        headers: { 'x-fleet': 'a' },
      };
      for (const token of [
        signTokenSync(spec, 'dev-1', privateKey, kid, Date.now() / 1000),
        await signTokenAsync(spec, 'dev-1', privateKey, kid, Date.now() / 1000),
      ]) {
        const { payload, protectedHeader } = await jwtVerify(token, publicKey, { algorithms: [alg], audience: 'dev-1@test' });
        assert.equal(payload.sub, 'dev-1');
        assert.equal(payload.n, 3);
        assert.deepEqual(protectedHeader, { alg, kid, typ: 'JWT', 'x-fleet': 'a' });
      }
      const joseToken = await new SignJWT({ aud: 'dev-1@test' }).setProtectedHeader({ alg, kid }).setIssuedAt().setExpirationTime('1m').sign(privateKey);
      const outcome = verifyDeviceToken(
        joseToken,
        { deviceId: 'dev-1', alg, publicKey, kid },
        { ...policy, audienceTemplate: '{deviceId}@test' },
        Date.now() / 1000,
      );
      assert.equal(outcome.ok, true);
    });
  }

  it('omits the kid when a group says kid: false', () => {
    const privateKey = parsePrivateKey(vectorFile('ec_private.pem'), 'ec');
    const token = signTokenSync({ alg: 'ES256', audienceTemplate: 'a', lifetimeSec: 60, includeKid: false }, 'd', privateKey, 'ignored', 1000);
    assert.deepEqual(decodeProtectedHeader(token), { alg: 'ES256', typ: 'JWT' });
  });
});
