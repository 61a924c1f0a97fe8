import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateKeyPair } from '../../src/identity/keys.js';
import { loadScenario, run } from '../../src/index.js';
import { repoPath } from '../helpers.js';
import { runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const fixture = (name: string): string => repoPath(`test/fixtures/${name}`);

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const stages = `stages:
  - type: connect
  - type: publish
    rate: 10/s
    count: 2
  - type: disconnect
`;

describe('every key mode and every PEM form, through a real run', () => {
  it('connects shared (PKCS#1, encrypted PKCS#8 with an X.509 certificate), files (SEC1, PKCS#8, compressed public) and pool devices', async () => {
    const folder = join(dir, 'files');
    mkdirSync(folder);
    copyFileSync(fixture('vectors/ec_private.pem'), join(folder, 'f-1.pem'));
    copyFileSync(fixture('vectors/ec_public_compressed.pem'), join(folder, 'f-1.pub.pem'));
    copyFileSync(fixture('vectors/ec_private_pkcs8.pem'), join(folder, 'f-2.pem'));
    writeFileSync(join(folder, 'f-3.pem'), generateKeyPair('ES256').privateKeyPem);
    process.env['TEST_KEY_PASSPHRASE'] = 'test-passphrase';
    const file = write(
      'modes.yaml',
      `name: modes
workers: 2
groups:
  - name: rsa-pkcs1
    count: 3
    idPattern: rsa-{index}
    alg: RS256
    keys: { mode: shared, privateKey: ${fixture('vectors/rsa_private_pkcs1.pem')}, publicKey: ${fixture('vectors/rsa_public.pem')} }
  - name: ec-encrypted
    count: 3
    idPattern: enc-{index}
    keys: { mode: shared, privateKey: ${fixture('keys/ec_private_encrypted.pem')}, passphraseEnv: TEST_KEY_PASSPHRASE, publicKey: ${fixture('keys/ec_cert.pem')} }
    token: { claims: { sub: "{deviceId}" }, headers: { x-fleet: modes } }
  - name: files
    count: 3
    idPattern: f-{index}
    keys: { mode: files, dir: ${folder} }
  - name: pool
    count: 4
    idPattern: p-{index}
    alg: ES384
    keys: { mode: pool, size: 2, store: ${join(dir, 'pool.json')} }
${stages}`,
    );
    const result = await run(await loadScenario(file));
    assert.equal(result.status, 'complete');
    for (const [group, count] of [['rsa-pkcs1', 3], ['ec-encrypted', 3], ['files', 3], ['pool', 4]] as const) {
      const section = result.groups[group]!;
      assert.equal(section.counters['connected'], count, `${group}: ${JSON.stringify(section.connectFailures)}`);
      assert.equal(section.counters['acked'], count * 2, group);
      assert.equal(section.counters['keysGenerated'], undefined, `${group} generates no per-device keys`);
    }
    const broker = result.broker.metrics!;
    assert.equal(broker.counters['auth.accepted'], 13);
    assert.ok(broker.histograms['verifyUs.RS256'] && broker.histograms['verifyUs.ES256'] && broker.histograms['verifyUs.ES384']);
  });
});

describe('bad keys in a scenario exit 2 with one line naming the file', () => {
  const cases: [string, string, RegExp][] = [
    ['a missing key file', `keys: { mode: shared, privateKey: ${join(dir, 'nope.pem')} }`, /nope\.pem: cannot read private key: no such file$/],
    ['an encrypted key with no passphrase', `keys: { mode: shared, privateKey: ${fixture('keys/ec_private_encrypted.pem')} }`, /ec_private_encrypted\.pem: the private key is encrypted and no passphrase was given$/],
    ['keys that do not match', `keys: { mode: shared, privateKey: ${fixture('vectors/ec_private.pem')}, publicKey: ${fixture('vectors/rsa_public.pem')} }`, /the public key does not belong to the private key$/],
    ['an EC key used with RS256', `alg: RS256\n    keys: { mode: shared, privateKey: ${fixture('vectors/ec_private.pem')} }`, /ec_private\.pem: an EC key cannot sign RS256 \(expected RSA\)$/],
    ['an unknown algorithm', 'alg: HS256', /groups\.0\.alg: Invalid option: expected one of "RS256"\|/],
  ];
  for (const [name, keys, expected] of cases) {
    it(name, async () => {
      const file = write(`bad-${name.replace(/\W+/g, '-')}.yaml`, `groups:\n  - name: g\n    count: 1\n    ${keys}\n${stages}`);
      const cli = await runCli(['run', file, '--quiet']);
      assert.equal(cli.code, 2, cli.stderr);
      const lines = cli.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, cli.stderr);
      assert.match(lines[0]!, expected);
    });
  }

  it('refuses an RSA key under 2048 bits up front when the embedded broker would refuse it', async () => {
    const file = write('small.yaml', `groups:\n  - name: g\n    count: 1\n    alg: RS256\n    keys: { mode: shared, privateKey: ${fixture('keys/rsa1024_private.pem')} }\n${stages}`);
    const cli = await runCli(['run', file, '--report-dir', join(dir, 'r-small')]);
    assert.equal(cli.code, 2, cli.stderr);
    assert.match(cli.stderr, /^error: .*rsa1024_private\.pem: RSA key of 1024 bits; 2048 is the least that RFC 7518 §3\.3 allows; the embedded broker refuses such keys\n$/);
  });
});
