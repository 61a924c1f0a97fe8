/** JWK Sets: what `keys export --format jwks` writes reads back as the same keys, under our kids. */
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { formatJwks, parseJwks } from '../../src/identity/jwks.js';
import { fingerprint, generateKeyPair, parsePublicKey } from '../../src/identity/keys.js';
import { formatRabbitmqAdvancedConfig } from '../../src/identity/rabbitmq-config.js';
import { vectorFile, vectors } from '../helpers.js';

const ec = generateKeyPair('ES256');
const rsa = generateKeyPair('RS256');
const ed = generateKeyPair('EdDSA');

describe('keys as a JWK Set (RFC 7517 §5)', () => {
  it('one JWK per distinct key, with kid = fingerprint, alg and use "sig", and no private part', () => {
    const text = formatJwks([
      { deviceId: 'a', alg: 'ES256', publicKey: ec.publicKeyPem },
      { deviceId: 'b', alg: 'RS256', publicKey: rsa.publicKeyPem },
      { deviceId: 'c', alg: 'ES256', publicKey: ec.publicKeyPem },
      { deviceId: 'd', alg: 'EdDSA', publicKey: ed.publicKeyPem },
    ]);
    const set = JSON.parse(text) as { keys: Record<string, string>[] };
    assert.equal(set.keys.length, 3, 'a pooled key is listed once');
    const [e, r, o] = set.keys as [Record<string, string>, Record<string, string>, Record<string, string>];
    assert.deepEqual(Object.keys(e).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    assert.deepEqual([e['kty'], e['crv'], e['alg'], e['use']], ['EC', 'P-256', 'ES256', 'sig']);
    assert.deepEqual(Object.keys(r).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
    assert.deepEqual([o['kty'], o['crv'], o['alg']], ['OKP', 'Ed25519', 'EdDSA']);
    assert.equal(e['kid'], fingerprint(parsePublicKey(ec.publicKeyPem, 'ec')));
    assert.equal(r['kid'], fingerprint(parsePublicKey(rsa.publicKeyPem, 'rsa')));
    assert.doesNotMatch(text, /"(d|p|q|dp|dq|qi)"/);
  });

  it('reads back the same keys under the same kids', () => {
    const entries = parseJwks(
      formatJwks([
        { deviceId: 'a', alg: 'ES256', publicKey: ec.publicKeyPem },
        { deviceId: 'b', alg: 'RS256', publicKey: rsa.publicKeyPem },
      ]),
      'set.json',
    );
    assert.deepEqual(
      entries.map((e) => [e.alg, e.kid, fingerprint(e.publicKey)]),
      [
        ['ES256', fingerprint(parsePublicKey(ec.publicKeyPem, 'ec')), fingerprint(parsePublicKey(ec.publicKeyPem, 'ec'))],
        ['RS256', fingerprint(parsePublicKey(rsa.publicKeyPem, 'rsa')), fingerprint(parsePublicKey(rsa.publicKeyPem, 'rsa'))],
      ],
    );
  });

  it("the kid of the published test vectors (PyCryptodome's fingerprint) comes out of the JWK Set too", () => {
    for (const c of vectors.cases) {
      const [key] = (JSON.parse(formatJwks([{ deviceId: vectors.deviceId, alg: c.alg, publicKey: vectorFile(c.publicKey) }])) as { keys: { kid: string }[] })
        .keys;
      assert.equal(key?.kid, c.kid, c.name);
    }
  });

  it('leaves out encryption keys and refuses what a verifier could not use, naming the key', () => {
    const jwk = { ...createPublicKey(ec.publicKeyPem).export({ format: 'jwk' }), kid: 'k1', alg: 'ES256' };
    const withEnc = JSON.stringify({ keys: [jwk, { ...jwk, kid: 'k2', use: 'enc' }] });
    assert.deepEqual(
      parseJwks(withEnc, 'f').map((e) => e.kid),
      ['k1'],
    );
    const problems: [unknown, RegExp][] = [
      ['{', /^f is not valid JSON/],
      [{ devices: [] }, /^f must be a JWK Set: \{"keys":\[\.\.\.\]\}/],
      [{ keys: [] }, /^f holds no signing keys$/],
      [{ keys: [{ ...jwk, kid: undefined }] }, /^f keys\.0 kid must be a non-empty string/],
      [{ keys: [{ ...jwk, alg: 'HS256' }] }, /^f keys\.0 alg must be one of .* \(got "HS256"\)/],
      [{ keys: [{ ...jwk, alg: 'RS256' }] }, /^f keys\.0 kid k1: an EC key cannot sign RS256/],
      [{ keys: [jwk, jwk] }, /^f keys\.1 kid k1 is given twice/],
      [{ keys: [{ ...jwk, d: 'AAAA' }] }, /^f keys\.0 is a private key/],
      [{ keys: [{ ...jwk, x: 'AAAA' }] }, /^f keys\.0 /],
    ];
    for (const [input, message] of problems) {
      assert.throws(() => parseJwks(typeof input === 'string' ? input : JSON.stringify(input), 'f'), { code: 'ERR_CONFIG', message }, String(message));
    }
  });
});

describe("keys as RabbitMQ's advanced.config", () => {
  it('an Erlang term with resource_server_id and one {pem, …} per distinct key under its kid', () => {
    const text = formatRabbitmqAdvancedConfig(
      [
        { deviceId: 'a', alg: 'ES256', publicKey: ec.publicKeyPem },
        { deviceId: 'b', alg: 'ES256', publicKey: ec.publicKeyPem },
        { deviceId: 'c', alg: 'RS256', publicKey: rsa.publicKeyPem },
      ],
      'my "rabbit"',
    );
    assert.match(text, /^%% advanced\.config for rabbitmq_auth_backend_oauth2: 2 signing keys/);
    assert.match(text, /\{resource_server_id, <<"my \\"rabbit\\"">>\}/);
    assert.equal((text.match(/=> \{pem, <<"-----BEGIN PUBLIC KEY-----\n/g) ?? []).length, 2);
    assert.ok(text.includes(`<<"${fingerprint(parsePublicKey(ec.publicKeyPem, 'ec'))}">> => {pem, <<"${ec.publicKeyPem.trim()}">>}`));
    assert.match(text, /\]\.\n$/);
  });
});
