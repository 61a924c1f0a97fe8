import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { ensureLocalCertificates } from '../../src/broker/certificates.js';
import type { MqttPlan } from '../../src/scenario/run-plan.js';
import { deviceClientOptions } from '../../src/worker/engines/mqttjs/client-options.js';
import { openSocket } from '../../src/worker/engines/lean/lean-socket.js';
import type { BrokerTarget } from '../../src/worker/messages.js';
import { openClient } from '../../src/worker/engines/mqttjs/open-client.js';
import { TlsClient, withTlsClient } from '../../src/worker/tls-client.js';
import { LEAN_MQTT_PLAN } from './support/fakes.js';

const mqttPlan: MqttPlan = { ...LEAN_MQTT_PLAN, tlsResumption: true };

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-tls-client-'));
let server: Server;
let target: BrokerTarget;
/** Server-side sockets, in order, with whether each handshake resumed a session. */
const accepted: boolean[] = [];

before(async () => {
  const certs = await ensureLocalCertificates(dir);
  server = createServer({ cert: certs.certPem, key: certs.keyPem }, (socket: TLSSocket) => {
    accepted.push(socket.isSessionReused());
    socket.on('error', () => {});
    // A CONNACK (accepted), then the end: the server's TLS 1.3 tickets go out with its first write.
    socket.write(Buffer.from([0x20, 0x02, 0x00, 0x00]));
    setTimeout(() => socket.end(), 20);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  target = { url: `mqtts://127.0.0.1:${(server.address() as AddressInfo).port}`, tls: { ca: certs.caPem, minVersion: 'TLSv1.2', rejectUnauthorized: true } };
});
after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a lean socket for `deviceId`, waits for the server's ticket, and closes; true when it resumed. */
async function leanConnect(resumeTarget: BrokerTarget, deviceId: string): Promise<boolean> {
  const socket = openSocket({ url: resumeTarget.url }, resumeTarget.tls, mqttPlan, deviceId) as TLSSocket;
  socket.on('data', () => {});
  await once(socket, 'secureConnect');
  const resumed = socket.isSessionReused();
  // TLS 1.3 tickets come after the handshake; the server's end follows them.
  await once(socket, 'end');
  socket.destroy();
  return resumed;
}

describe('the worker TLS client', () => {
  it('gives every connection the same SecureContext, built from the target PEMs, and verifies the broker with it', async () => {
    const withClient = withTlsClient(target, false);
    const client = withClient.tls?.client;
    assert.ok(client instanceof TlsClient);
    const first = openSocket({ url: target.url }, withClient.tls, mqttPlan, 'a') as TLSSocket;
    await once(first, 'secureConnect');
    assert.equal(first.authorized, true);
    first.destroy();
    const options = deviceClientOptions(withClient, { ...mqttPlan, engine: 'mqttjs' }, 'b', 'token');
    assert.equal(options.secureContext, client.secureContext);
    assert.equal(options.ca, undefined);
  });

  it('leaves plain mqtt:// targets alone', () => {
    assert.equal(withTlsClient({ url: 'mqtt://127.0.0.1:1883' }, true).tls, undefined);
  });

  it("lean: with resumption on, a device's second connection resumes its session; another device's does not", async () => {
    const resuming = withTlsClient(target, true);
    assert.equal(await leanConnect(resuming, 'd1'), false);
    assert.equal(await leanConnect(resuming, 'd1'), true);
    assert.equal(await leanConnect(resuming, 'd2'), false);
  });

  it('lean: with resumption off, every connection runs the full handshake', async () => {
    const full = withTlsClient(target, false);
    assert.equal(await leanConnect(full, 'd1'), false);
    assert.equal(await leanConnect(full, 'd1'), false);
  });

  it("mqttjs: the stream builder hands the device's ticket to its next connection", async () => {
    const resuming = withTlsClient(target, true);
    const options = { ...deviceClientOptions(resuming, { ...mqttPlan, engine: 'mqttjs' }, 'm1', 'token'), reconnectPeriod: 0 };
    const before = accepted.length;
    for (let i = 0; i < 2; i++) {
      const client = openClient({ url: resuming.url }, options, resuming.tls?.client);
      client.on('error', () => {});
      await new Promise<void>((resolve) => client.once('close', () => resolve()));
      client.end(true);
    }
    assert.deepEqual(accepted.slice(before), [false, true]);
  });
});
