import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readTlsTarget } from '../../src/coordinator/tls-files.js';
import type { TlsPlan } from '../../src/scenario/tls-plan.js';
import { vectorFile } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-tls-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const plan = (over: Partial<TlsPlan>): TlsPlan => ({
  caFile: null,
  certFile: null,
  keyFile: null,
  servername: null,
  minVersion: 'TLSv1.2',
  rejectUnauthorized: true,
  ...over,
});
const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('reading the TLS files on the coordinator', () => {
  it('gives workers the PEM contents, never the paths', async () => {
    const ca = join(dir, 'ca.pem');
    const key = join(dir, 'client.key');
    writeFileSync(ca, CERT);
    writeFileSync(key, vectorFile('ec_private.pem'), { mode: 0o600 });
    const target = await readTlsTarget(plan({ caFile: ca, certFile: ca, keyFile: key, servername: 'broker.local' }));
    assert.deepEqual(target, {
      ca: CERT,
      cert: CERT,
      key: vectorFile('ec_private.pem'),
      servername: 'broker.local',
      minVersion: 'TLSv1.2',
      rejectUnauthorized: true,
    });
    assert.equal(await readTlsTarget(null), undefined);
  });

  it('names the field and the file when one cannot be read or holds no PEM', async () => {
    await assert.rejects(readTlsTarget(plan({ caFile: join(dir, 'missing.pem') })), {
      code: 'ERR_CONFIG',
      message: /^tls\.ca: cannot read .*missing\.pem: ENOENT$/,
    });
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'hello');
    await assert.rejects(readTlsTarget(plan({ keyFile: notPem })), { code: 'ERR_CONFIG', message: /^tls\.key: .*not\.pem holds no PEM private key/ });
    await assert.rejects(readTlsTarget(plan({ certFile: notPem })), { code: 'ERR_CONFIG', message: /^tls\.cert: .*holds no PEM certificate/ });
  });
});
