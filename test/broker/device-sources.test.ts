import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { algorithmForKey, deviceFromPublicKeyFile, devicesFromKeysDir } from '../../src/broker/device-sources.js';
import { generateKeyPair } from '../../src/identity/keys.js';
import { saveKeystore } from '../../src/identity/keystore.js';
import { repoPath, vectorFile } from '../helpers.js';

const jwkOf = (pem: string): JsonWebKey => createPrivateKey(pem).export({ format: 'jwk' });
const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-sources-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('device sources of the broker command', () => {
  it('--keys: reads every keystore of a folder, public keys only, any algorithm', async () => {
    const keys = join(dir, 'keys');
    const ec = generateKeyPair('ES256');
    const ed = generateKeyPair('EdDSA');
    await saveKeystore(join(keys, 'a-ES256.json'), {
      alg: 'ES256',
      devices: { 'dev-1': { privateKey: jwkOf(ec.privateKeyPem), publicKey: ec.publicKeyPem, kid: 'x' } },
    });
    await saveKeystore(join(keys, 'b-EdDSA.json'), {
      alg: 'EdDSA',
      devices: { 'dev-2': { privateKey: jwkOf(ed.privateKeyPem), publicKey: ed.publicKeyPem, kid: 'y' } },
    });
    writeFileSync(join(keys, 'notes.txt'), 'not a keystore');
    const records = await devicesFromKeysDir(keys);
    assert.deepEqual(
      records.map((r) => [r.deviceId, r.alg, r.publicKey]),
      [
        ['dev-1', 'ES256', ec.publicKeyPem],
        ['dev-2', 'EdDSA', ed.publicKeyPem],
      ],
    );
    assert.ok(records.every((r) => !JSON.stringify(r).includes('PRIVATE')));
  });

  it('--keys: an empty folder and a device in two keystores are ConfigErrors', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    await assert.rejects(devicesFromKeysDir(empty), { code: 'ERR_CONFIG', message: /no \*\.json keystore files/ });
    const twice = join(dir, 'twice');
    const pair = generateKeyPair('ES256');
    const entry = { privateKey: jwkOf(pair.privateKeyPem), publicKey: pair.publicKeyPem, kid: 'x' };
    await saveKeystore(join(twice, 'a.json'), { alg: 'ES256', devices: { d: entry } });
    await saveKeystore(join(twice, 'b.json'), { alg: 'ES256', devices: { d: entry } });
    await assert.rejects(devicesFromKeysDir(twice), { code: 'ERR_CONFIG', message: /b\.json: device d is also in another keystore/ });
  });

  it('--public-key: takes the alg from the key', async () => {
    assert.equal((await deviceFromPublicKeyFile(repoPath('test/fixtures/vectors/rsa_public.pem'), 'r')).alg, 'RS256');
    const record = await deviceFromPublicKeyFile(repoPath('test/fixtures/vectors/ec_public_compressed.pem'), 'e');
    assert.deepEqual([record.deviceId, record.alg, record.publicKey], ['e', 'ES256', vectorFile('ec_public_compressed.pem')]);
    assert.equal(algorithmForKey('ec', 'secp384r1'), 'ES384');
    assert.equal(algorithmForKey('dsa', undefined), undefined);
  });
});
