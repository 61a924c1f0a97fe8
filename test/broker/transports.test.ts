import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { ensureLocalCertificates, type LocalCertificates } from '../../src/broker/certificates.js';
import type { RunningBroker } from '../../src/broker/server.js';
import { connectClient, ecToken, registerEc, startTestBroker } from './helpers.js';

describe('TLS and WebSocket', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-certs-'));
  let certs: LocalCertificates;
  let broker: RunningBroker;
  before(async () => {
    certs = await ensureLocalCertificates(dir);
    broker = await startTestBroker({ tlsPort: 0, wsPort: 0, tls: { certPem: certs.certPem, keyPem: certs.keyPem } });
    registerEc(broker, 'dev-t');
  });
  after(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes the CA once, keeps private keys 0600, and reuses them', async () => {
    assert.equal(statSync(join(dir, 'server-key.pem')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'ca-key.pem')).mode & 0o777, 0o600);
    const again = await ensureLocalCertificates(dir);
    assert.equal(again.certPem, certs.certPem);
    assert.equal(again.caPath, join(dir, 'ca.pem'));
  });

  for (const host of ['127.0.0.1', 'localhost']) {
    it(`accepts a device over TLS at ${host} with the generated CA and verification on`, async () => {
      const client = await connectClient(`mqtts://${host}:${broker.tlsPort}`, 'dev-t', await ecToken('dev-t'), { ca: certs.caPem, rejectUnauthorized: true });
      const socket = (client.stream as unknown as { getProtocol(): string }).getProtocol();
      assert.match(socket, /^TLSv1\.[23]$/);
      await client.endAsync();
    });
  }

  it('is refused by a client that does not trust the CA (verification is really on)', async () => {
    await assert.rejects(
      connectClient(`mqtts://127.0.0.1:${broker.tlsPort}`, 'dev-t', await ecToken('dev-t'), { rejectUnauthorized: true }),
      /self-signed|unable to verify|closed before CONNACK/,
    );
  });

  it('refuses TLS 1.1 and below', async () => {
    await assert.rejects(
      // SECLEVEL=0 lets this client offer TLS 1.1 at all; the refusal must come from the server.
      connectClient(`mqtts://127.0.0.1:${broker.tlsPort}`, 'dev-t', await ecToken('dev-t'), {
        ca: certs.caPem,
        maxVersion: 'TLSv1.1',
        minVersion: 'TLSv1',
        ciphers: 'DEFAULT:@SECLEVEL=0',
      } as object),
      /alert protocol version/,
    );
  });

  it('closes a WebSocket whose frame is over the maximum packet size (1009), before MQTT parses it', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${broker.wsPort}`, 'mqtt');
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const code = new Promise<number>((resolve) => socket.once('close', (c: number) => resolve(c)));
    socket.send(Buffer.alloc(300 * 1024));
    assert.equal(await code, 1009);
  });

  it('accepts a device over WebSocket (subprotocol mqtt)', async () => {
    const client = await connectClient(`ws://127.0.0.1:${broker.wsPort}`, 'dev-t', await ecToken('dev-t'));
    await client.publishAsync('/up/device/id/dev-t', 'ws', { qos: 1 });
    await client.endAsync();
  });
});
