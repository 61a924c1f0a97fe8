import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { assertKeyFitsAlgorithm, assertKeysMatch, fingerprint, generateKeyPair, parsePrivateKey, parsePublicKey } from '../../src/identity/keys.js';
import { vectorFile, vectors } from '../helpers.js';

describe('kid fingerprint (SHA-256 of the SPKI DER, as PyCryptodome exports it)', () => {
  for (const c of vectors.cases) {
    it(`${c.name}: fingerprint of ${c.publicKey} equals the vector kid`, () => {
      assert.equal(fingerprint(parsePublicKey(vectorFile(c.publicKey), c.publicKey)), c.kid);
    });
    it(`${c.name}: fingerprint of the public half of ${c.privateKey} equals the vector kid`, () => {
      const privateKey = parsePrivateKey(vectorFile(c.privateKey), c.privateKey);
      assert.equal(fingerprint(createPublicKey(privateKey)), c.kid);
    });
  }

  it('a compressed EC point gives the same kid as the uncompressed one', () => {
    const compressed = parsePublicKey(vectorFile('ec_public_compressed.pem'), 'compressed');
    const plain = parsePublicKey(vectorFile('ec_public.pem'), 'plain');
    assert.notDeepEqual(compressed.export({ type: 'spki', format: 'der' }), plain.export({ type: 'spki', format: 'der' }));
    assert.equal(fingerprint(compressed), fingerprint(plain));
  });
});

describe('key loading', () => {
  for (const file of ['rsa_private.pem', 'rsa_private_pkcs1.pem', 'ec_private.pem', 'ec_private_pkcs8.pem']) {
    it(`loads ${file}`, () => {
      const key = parsePrivateKey(vectorFile(file), file);
      assert.equal(key.type, 'private');
    });
  }

  it('names the file when a key does not parse', () => {
    assert.throws(() => parsePrivateKey('not a key', 'keys/bad.pem'), { code: 'ERR_KEY', exitCode: 2, message: /^keys\/bad\.pem: not a private key/ });
  });

  it('refuses an EC key for RS256 and an RSA key for ES256', () => {
    const ec = parsePrivateKey(vectorFile('ec_private.pem'), 'ec');
    const rsa = parsePrivateKey(vectorFile('rsa_private.pem'), 'rsa');
    assert.throws(() => assertKeyFitsAlgorithm(ec, 'RS256', 'ec_private.pem'), { code: 'ERR_KEY', message: /ec_private\.pem: an EC key cannot sign RS256/ });
    assert.throws(() => assertKeyFitsAlgorithm(rsa, 'ES256', 'rsa_private.pem'), { code: 'ERR_KEY', message: /cannot sign ES256/ });
    assert.doesNotThrow(() => assertKeyFitsAlgorithm(ec, 'ES256', 'ec'));
    assert.throws(() => assertKeyFitsAlgorithm(ec, 'ES384', 'ec'), { message: /needs curve secp384r1/ });
  });

  it('detects a public key that does not belong to the private key', () => {
    const ec = parsePrivateKey(vectorFile('ec_private.pem'), 'ec');
    assert.doesNotThrow(() => assertKeysMatch(ec, parsePublicKey(vectorFile('ec_public_compressed.pem'), 'pub'), 'pair'));
    const other = parsePublicKey(generateKeyPair('ES256').publicKeyPem, 'other');
    assert.throws(() => assertKeysMatch(ec, other, 'pair'), { code: 'ERR_KEY', message: /does not belong/ });
  });

  for (const alg of ['ES256', 'ES384', 'ES512', 'EdDSA', 'RS256'] as const) {
    it(`generates a ${alg} key pair that fits its algorithm`, () => {
      const pair = generateKeyPair(alg);
      const key = parsePrivateKey(pair.privateKeyPem, alg);
      assertKeyFitsAlgorithm(key, alg, alg);
      assertKeysMatch(key, parsePublicKey(pair.publicKeyPem, alg), alg);
    });
  }
});
