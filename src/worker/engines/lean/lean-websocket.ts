/**
 * The lean engine over WebSocket (MQTT 3.1.1 §6, MQTT 5 §6): the `ws` client asking for the
 * subprotocol "mqtt", binary frames, wrapped in ws's own duplex stream, as MQTT.js does
 * (lib/connect/ws.ts). Handshake and TLS options are the ones client-options.ts gives MQTT.js, so
 * both engines verify, time out and choose source addresses alike.
 */
import type { Duplex } from 'node:stream';
import { createWebSocketStream, WebSocket } from 'ws';
import type { MqttPlan } from '../../../scenario/run-plan.js';
import { tlsOptions, webSocketOptions } from '../transport-options.js';
import type { DeviceEndpoint } from '../../endpoint.js';
import type { TlsTarget } from '../../messages.js';

export function openWebSocket(endpoint: DeviceEndpoint, tls: TlsTarget | undefined, mqttPlan: MqttPlan): Duplex {
  const scheme = new URL(endpoint.url).protocol === 'wss:' ? 'wss' : 'ws';
  const options = webSocketOptions(scheme, mqttPlan, tlsOptions(tls));
  // ws hands localAddress on to http.request, and so to net.connect.
  const socket = new WebSocket(endpoint.url, ['mqtt'], endpoint.localAddress === undefined ? options : { ...options, localAddress: endpoint.localAddress });
  const stream = createWebSocketStream(socket);
  // When the peer closes, ws's stream only ends its readable side; closing it gives the session
  // its 'close', as MQTT.js does for its own.
  socket.on('close', () => stream.destroy());
  return stream;
}
