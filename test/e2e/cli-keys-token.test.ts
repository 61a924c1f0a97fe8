import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { importSPKI, jwtVerify } from 'jose';
import { loadKeystore } from '../../src/identity/keystore.js';
import { parseRegistryFile } from '../../src/identity/registry-file.js';
import { fingerprint, parsePublicKey } from '../../src/identity/keys.js';
import { runCli } from './cli.js';
import { repoPath, vectorFile, vectors } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-cli-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('keys generate', () => {
  const out = join(dir, 'fleet-a');

  it('writes a 0600 keystore whose kids are the fingerprints of its keys', async () => {
    const cli = await runCli(['keys', 'generate', '--alg', 'ES256', '--count', '40', '--out', out, '--id-pattern', 'dev-{index:03}']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(cli.stdout, `wrote ${join(out, 'ES256.json')}: 40 ES256 devices (40 new, 0 kept)\n`);
    const path = join(out, 'ES256.json');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const store = await loadKeystore(path, 'ES256');
    const ids = Object.keys(store.devices).sort();
    assert.equal(ids.length, 40);
    assert.deepEqual([ids[0], ids[39]], ['dev-001', 'dev-040']);
    for (const entry of Object.values(store.devices)) assert.equal(fingerprint(parsePublicKey(entry.publicKey, 'k')), entry.kid);
  });

  it('resumes: a larger count keeps the keys it has and adds the rest', async () => {
    const path = join(out, 'ES256.json');
    const before = (await loadKeystore(path, 'ES256')).devices['dev-007'];
    const cli = await runCli(['keys', 'generate', '--count', '50', '--out', out, '--id-pattern', 'dev-{index:03}']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /50 ES256 devices \(10 new, 40 kept\)/);
    assert.deepEqual((await loadKeystore(path, 'ES256')).devices['dev-007'], before);
  });

  it('refuses a corrupt or foreign keystore with one clear line', async () => {
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"format":"mqtt-jwt-bench-keystore","vers');
    const a = await runCli(['keys', 'generate', '--count', '2', '--out', corrupt]);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /corrupt\.json: keystore is not valid JSON \(corrupt\?\)\nhint: Delete the file/);
    const foreign = join(dir, 'foreign.json');
    writeFileSync(foreign, '{"keys":[]}');
    const b = await runCli(['keys', 'generate', '--count', '2', '--out', foreign]);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /foreign\.json: not a mqtt-jwt-bench-keystore v2 file/);
    const wrongAlg = await runCli(['keys', 'generate', '--count', '2', '--alg', 'RS256', '--out', join(out, 'ES256.json')]);
    assert.equal(wrongAlg.code, 2);
    assert.match(wrongAlg.stderr, /keystore holds ES256 keys, the group wants RS256/);
  });
});

describe('keys export', () => {
  it('writes every device with alg, kid and public key, no private key, and the registry reader takes it back', async () => {
    const out = join(dir, 'fleet-a');
    for (const format of ['csv', 'json'] as const) {
      const cli = await runCli(['keys', 'export', '--keys', out, '--format', format]);
      assert.equal(cli.code, 0, cli.stderr);
      assert.doesNotMatch(cli.stdout, /PRIVATE|"d":/);
      const records = parseRegistryFile(cli.stdout, `export.${format}`);
      assert.equal(records.length, 50);
      const store = await loadKeystore(join(out, 'ES256.json'), 'ES256');
      for (const r of records) {
        assert.equal(r.alg, 'ES256');
        assert.equal(r.kid, store.devices[r.deviceId]?.kid);
      }
    }
    const bad = await runCli(['keys', 'export', '--keys', out, '--format', 'xml']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--format: expected csv, json, jwks, rabbitmq \(got "xml"\)/);
    // The verifiers' formats hold public keys only, one per distinct key, under the same kids.
    const jwks = await runCli(['keys', 'export', '--keys', out, '--format', 'jwks']);
    assert.equal(jwks.code, 0, jwks.stderr);
    const store = await loadKeystore(join(out, 'ES256.json'), 'ES256');
    const kids = Object.values(store.devices)
      .map((d) => d.kid)
      .sort();
    assert.deepEqual((JSON.parse(jwks.stdout) as { keys: { kid: string }[] }).keys.map((k) => k.kid).sort(), kids);
    assert.doesNotMatch(jwks.stdout, /PRIVATE|"d":/);
    const rabbit = await runCli(['keys', 'export', '--keys', out, '--format', 'rabbitmq', '--resource-server-id', 'fleet-a']);
    assert.equal(rabbit.code, 0, rabbit.stderr);
    assert.match(rabbit.stdout, /\{resource_server_id, <<"fleet-a">>\}/);
    assert.deepEqual([...rabbit.stdout.matchAll(/<<"([0-9a-f]{64})">> => \{pem, /g)].map((m) => m[1]).sort(), kids);
    assert.doesNotMatch(rabbit.stdout, /PRIVATE/);
  });
});

describe('token', () => {
  for (const c of vectors.cases.filter((v) => ['rsa-pkcs1', 'ec', 'ec-compressed-public'].includes(v.name))) {
    it(`${c.name}: prints a token that jose verifies under the vector public key, with the vector kid`, async () => {
      const cli = await runCli([
        'token',
        '--key',
        repoPath(`test/fixtures/vectors/${c.privateKey}`),
        '--public-key',
        repoPath(`test/fixtures/vectors/${c.publicKey}`),
        '--device',
        vectors.deviceId,
        '--lifetime',
        '5m',
      ]);
      assert.equal(cli.code, 0, cli.stderr);
      const token = cli.stdout.trim();
      const { payload, protectedHeader } = await jwtVerify(token, await importSPKI(vectorFile(c.publicKey), c.alg), { audience: c.aud, algorithms: [c.alg] });
      assert.equal(protectedHeader.kid, c.kid);
      assert.equal(protectedHeader.alg, c.alg);
      assert.equal((payload.exp as number) - (payload.iat as number), 300);
    });
  }

  it('--decode prints the header and claims after the token', async () => {
    const cli = await runCli(
      [
        'token',
        '--key',
        repoPath('test/fixtures/keys/ec_private_encrypted.pem'),
        '--passphrase-env',
        'PASS',
        '--device',
        'd-1',
        '--aud',
        '{deviceId}',
        '--decode',
      ],
      { env: { PASS: 'test-passphrase' } },
    );
    assert.equal(cli.code, 0, cli.stderr);
    const [token, ...rest] = cli.stdout.trim().split('\n');
    assert.match(token!, /^ey[\w-]+\.[\w-]+\.[\w-]+$/);
    const decoded = rest.join('\n');
    assert.match(decoded, /"alg": "ES256"/);
    assert.match(decoded, /"aud": "d-1"/);
    assert.match(decoded, /"kid": "db29e02a32ee51639fbd755f6f1e419c600e8c2ac86f878667730c2fd3fe2cca"/);
  });

  it('exits 2 with one line for each kind of bad key input', async () => {
    const ec = repoPath('test/fixtures/vectors/ec_private.pem');
    const cases: [string[], RegExp][] = [
      [['--key', join(dir, 'missing.pem')], /missing\.pem: cannot read private key: no such file/],
      [['--key', repoPath('test/fixtures/keys/ec_private_encrypted.pem')], /the private key is encrypted and no passphrase was given/],
      [['--key', ec, '--public-key', repoPath('test/fixtures/vectors/rsa_public.pem')], /the public key does not belong to the private key/],
      [['--key', ec, '--alg', 'RS256'], /an EC key cannot sign RS256/],
      [['--key', ec, '--alg', 'XS256'], /--alg: unknown algorithm "XS256"/],
    ];
    for (const [args, expected] of cases) {
      const cli = await runCli(['token', '--device', 'd', ...args]);
      assert.equal(cli.code, 2, `${args.join(' ')}: ${cli.stderr}`);
      assert.equal(cli.stderr.trimEnd().split('\n').length, 1, cli.stderr);
      assert.match(cli.stderr, expected);
    }
  });

  it('warns about an RSA key under 2048 bits', async () => {
    const cli = await runCli(['token', '--key', repoPath('test/fixtures/keys/rsa1024_private.pem'), '--device', 'd']);
    assert.equal(cli.code, 0);
    assert.match(cli.stderr, /warning: .*RSA key of 1024 bits/);
  });
});
