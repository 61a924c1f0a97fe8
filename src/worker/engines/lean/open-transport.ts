/**
 * The lean engine's byte stream to the broker: TCP or TLS (lean-socket.ts), or WebSocket
 * (lean-websocket.ts). The WebSocket side, and with it the `ws` package and node:http, is loaded
 * only when one of the worker's broker URLs is ws:// or wss://, as engine.ts loads only the
 * engine a scenario chose: a worker that speaks TCP never carries it (docs/benchmarks.md).
 */
import type { OnReadOpts } from 'node:net';
import type { Duplex } from 'node:stream';
import type { MqttPlan } from '../../../scenario/run-plan.js';
import { brokerUrls, type DeviceEndpoint } from '../../endpoint.js';
import type { BrokerTarget, TlsTarget } from '../../messages.js';
import { openSocket } from './lean-socket.js';

/**
 * `deviceId` keys the device's TLS session ticket when the worker resumes sessions (mqtts:// only).
 * `onread` is used on plain TCP only (lean-socket.ts); every other transport emits 'data'.
 */
export type OpenTransport = (endpoint: DeviceEndpoint, tls: TlsTarget | undefined, mqttPlan: MqttPlan, deviceId: string, onread?: OnReadOpts) => Duplex;

const WEBSOCKET = /^wss?:/;

/** The opener for every URL of `target`: sockets alone unless one of them is a WebSocket URL. */
export async function loadTransport(target: Pick<BrokerTarget, 'url' | 'urls'>): Promise<OpenTransport> {
  // Without WebSocket URLs, openSocket refuses a ws:// endpoint by name; no device gets one.
  if (!brokerUrls(target).some((url) => WEBSOCKET.test(url))) return openSocket;
  const { openWebSocket } = await import('./lean-websocket.js');
  return (endpoint, tls, mqttPlan, deviceId, onread) =>
    WEBSOCKET.test(endpoint.url) ? openWebSocket(endpoint, tls, mqttPlan) : openSocket(endpoint, tls, mqttPlan, deviceId, onread);
}
