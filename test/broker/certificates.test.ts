import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ensureLocalCertificates } from '../../src/broker/certificates.js';
import { ConfigError } from '../../src/errors.js';

const root = await mkdtemp(join(tmpdir(), 'split-certs-'));
after(() => rm(root, { recursive: true, force: true }));

describe('local certificates', () => {
  it('makes a missing set, and keeps a complete one', async () => {
    const dir = join(root, 'fresh');
    const made = await ensureLocalCertificates(dir);
    const again = await ensureLocalCertificates(dir);
    assert.equal(again.caPem, made.caPem);
    assert.equal(await readFile(join(dir, 'ca.pem'), 'utf8'), made.caPem);
  });

  it('makes the set again when one file is missing or cut short', async () => {
    const dir = join(root, 'partial');
    const made = await ensureLocalCertificates(dir);
    await rm(join(dir, 'server.pem'));
    const remade = await ensureLocalCertificates(dir);
    assert.notEqual(remade.caPem, made.caPem);
    await writeFile(join(dir, 'server.pem'), '-----BEGIN CERTIFICATE-----\nMII');
    assert.notEqual((await ensureLocalCertificates(dir)).caPem, remade.caPem);
  });

  it('refuses, naming the file, a set it cannot read, and leaves the CA alone', async () => {
    const dir = join(root, 'unreadable');
    const made = await ensureLocalCertificates(dir);
    await rm(join(dir, 'server.pem'));
    await mkdir(join(dir, 'server.pem'));
    await assert.rejects(ensureLocalCertificates(dir), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /server\.pem: cannot read the local TLS certificates \(EISDIR\)/);
      return true;
    });
    assert.equal(await readFile(join(dir, 'ca.pem'), 'utf8'), made.caPem);
  });
});
