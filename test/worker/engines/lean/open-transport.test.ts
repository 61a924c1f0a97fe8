/**
 * The lean engine's transports, chosen once per worker from its broker URLs: a worker that speaks
 * TCP alone never loads the WebSocket client (the `ws` package), and one with a ws:// URL opens
 * both kinds. Real sockets on port 0; the whole engine over ws and wss is test/mosquitto/mosquitto.test.ts.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { describe, it } from 'node:test';
import type { MqttPlan } from '../../../../src/scenario/run-plan.js';
import { loadTransport } from '../../../../src/worker/engines/lean/open-transport.js';
import { LEAN_MQTT_PLAN } from '../../support/fakes.js';

const plan: MqttPlan = LEAN_MQTT_PLAN;

/** Whether this process has loaded the `ws` package's client (CommonJS, so it sits in require's cache). */
function wsClientLoaded(): boolean {
  return Object.keys(createRequire(import.meta.url).cache).some((file) => /node_modules\/ws\/lib\/websocket\.js$/.test(file));
}

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

describe('the lean transport opener', () => {
  // First: the second test's WebSocketServer is this file's only other way into `ws`.
  it('for TCP URLs alone loads no WebSocket client, opens a socket, and refuses a ws:// endpoint by name', async () => {
    const server = createServer();
    const port = await listen(server);
    const open = await loadTransport({ url: `mqtt://127.0.0.1:${port}` });
    assert.equal(wsClientLoaded(), false);
    const accepted = once(server, 'connection');
    const socket = open({ url: `mqtt://127.0.0.1:${port}` }, undefined, plan, 'd-1');
    const [peer] = (await accepted) as [import('node:net').Socket];
    socket.destroy();
    peer.destroy();
    server.close();
    assert.throws(() => open({ url: 'ws://127.0.0.1:1' }, undefined, plan, 'd-1'), { message: /speaks mqtt:\/\/ and mqtts:\/\/ only \(got ws:\/\/\)/ });
    assert.equal(wsClientLoaded(), false);
  });

  it('with a ws:// URL among them opens WebSocket (subprotocol mqtt, binary frames) and TCP alike', async () => {
    const tcp = createServer();
    const tcpPort = await listen(tcp);
    const { WebSocketServer } = await import('ws');
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    const wsPort = (wss.address() as AddressInfo).port;
    const open = await loadTransport({ url: '', urls: [`mqtt://127.0.0.1:${tcpPort}`, `ws://127.0.0.1:${wsPort}`] });
    assert.equal(wsClientLoaded(), true);

    const received = new Promise<{ protocol: string; data: Buffer }>((resolve) =>
      wss.once('connection', (peer) => peer.once('message', (data: Buffer) => resolve({ protocol: peer.protocol, data }))),
    );
    const stream = open({ url: `ws://127.0.0.1:${wsPort}` }, undefined, plan, 'd-2');
    stream.write(Buffer.from([0xc0, 0x00]));
    assert.deepEqual(await received, { protocol: 'mqtt', data: Buffer.from([0xc0, 0x00]) });
    stream.destroy();

    const accepted = once(tcp, 'connection');
    const socket = open({ url: `mqtt://127.0.0.1:${tcpPort}` }, undefined, plan, 'd-3');
    const [peer] = (await accepted) as [import('node:net').Socket];
    socket.destroy();
    peer.destroy();
    tcp.close();
    for (const client of wss.clients) client.terminate();
    await new Promise((resolve) => wss.close(resolve));
  });
});
