/**
 * The broker's three doors: MQTT over TCP, over TLS, and over WebSocket. Each hands Aedes a
 * duplex stream and reports every raw TCP socket, so traffic is counted the same way for all.
 */
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { TlsMaterial } from './broker-options.js';

export type StreamHandler = (stream: Duplex, request?: IncomingMessage) => void;

export interface Listener {
  kind: 'mqtt' | 'mqtts' | 'ws';
  port: number;
  close(): Promise<void>;
}

export function listenTcp(host: string, port: number, handle: StreamHandler, onSocket: (s: Socket) => void): Promise<Listener> {
  const server = createNetServer((socket) => handle(socket));
  server.on('connection', onSocket);
  return listen(server, 'mqtt', host, port);
}

/** TLS 1.2 is the floor and 1.3 is allowed (node's default ceiling). */
export function listenTls(host: string, port: number, tls: TlsMaterial, handle: StreamHandler, onSocket: (s: Socket) => void): Promise<Listener> {
  const server = createTlsServer({ cert: tls.certPem, key: tls.keyPem, minVersion: 'TLSv1.2' }, (socket) => handle(socket));
  server.on('connection', onSocket);
  // A failed handshake is the client's problem; never let it reach the process.
  server.on('tlsClientError', (_error, socket) => socket.destroy());
  return listen(server, 'mqtts', host, port);
}

/**
 * MQTT over WebSocket (MQTT 3.1.1 §6): binary frames, subprotocol "mqtt". ws buffers a whole
 * frame before the packet guard sees it, so frames are capped at the packet limit too.
 */
export function listenWs(host: string, port: number, maxPacketBytes: number, handle: StreamHandler, onSocket: (s: Socket) => void): Promise<Listener> {
  const http = createHttpServer((_req, res) => res.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket only\n'));
  const wss = new WebSocketServer({ server: http, maxPayload: maxPacketBytes, handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false) });
  wss.on('connection', (ws, request) => {
    const stream = createWebSocketStream(ws);
    stream.on('error', () => stream.destroy());
    handle(stream, request);
  });
  http.on('connection', onSocket);
  return listen(http, 'ws', host, port, () => new Promise((resolve) => wss.close(() => resolve())));
}

function listen(server: Server, kind: Listener['kind'], host: string, port: number, before?: () => Promise<void>): Promise<Listener> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        kind,
        port: (server.address() as AddressInfo).port,
        close: async () => {
          await before?.();
          await new Promise<void>((done) => server.close(() => done()));
        },
      });
    });
  });
}
