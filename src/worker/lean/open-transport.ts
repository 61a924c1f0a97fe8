/** The lean engine's byte stream to the broker: TCP or TLS (lean-socket.ts), or WebSocket (lean-websocket.ts). */
import type { OnReadOpts } from 'node:net';
import type { Duplex } from 'node:stream';
import type { MqttPlan } from '../../scenario/plan.js';
import type { DeviceEndpoint } from '../endpoint.js';
import type { TlsTarget } from '../messages.js';
import { openSocket } from './lean-socket.js';
import { openWebSocket } from './lean-websocket.js';

/**
 * `deviceId` keys the device's TLS session ticket when the worker resumes sessions (mqtts:// only).
 * `onread` is used on plain TCP only (lean-socket.ts); every other transport emits 'data'.
 */
export function openTransport(endpoint: DeviceEndpoint, tls: TlsTarget | undefined, mqttPlan: MqttPlan, deviceId = '', onread?: OnReadOpts): Duplex {
  return /^wss?:/.test(endpoint.url) ? openWebSocket(endpoint, tls, mqttPlan) : openSocket(endpoint, tls, mqttPlan, deviceId, onread);
}
