/**
 * The lean engine's socket: plain TCP or TLS, from the device's source address when it has one.
 * TLS options are the ones client-options.ts gives MQTT.js, so both engines verify alike.
 */
import { connect as netConnect, isIP, type OnReadOpts, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { MqttPlan } from '../../scenario/plan.js';
import { bindOptions, type DeviceEndpoint } from '../endpoint.js';
import type { TlsTarget } from '../messages.js';

const DEFAULT_PORTS: Record<string, number> = { 'mqtt:': 1883, 'mqtts:': 8883 };

/**
 * `deviceId` keys the device's TLS session ticket when the worker resumes sessions (src/worker/tls-client.ts).
 * `onread`, on plain TCP, reads into the caller's buffer instead of a fresh one per read, and
 * hands the bytes to its callback instead of 'data' events (TLS sockets ignore it).
 */
export function openSocket(endpoint: DeviceEndpoint, tls: TlsTarget | undefined, mqttPlan: MqttPlan, deviceId = '', onread?: OnReadOpts): Socket {
  const url = new URL(endpoint.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port === '' ? (DEFAULT_PORTS[url.protocol] ?? 1883) : Number(url.port);
  const where = { host, port, ...bindOptions(endpoint) };
  if (url.protocol === 'mqtt:') return netConnect({ ...where, noDelay: true, ...(onread === undefined ? {} : { onread }) });
  if (url.protocol !== 'mqtts:') throw new Error(`the lean engine speaks mqtt:// and mqtts:// only (got ${url.protocol}//)`);
  // SNI carries names only (RFC 6066 §3): an IP host sends none unless the scenario names one.
  const name = tls?.servername ?? (isIP(host) === 0 ? host : undefined);
  const options: ConnectionOptions = {
    ...where,
    minVersion: tls?.minVersion ?? 'TLSv1.2',
    rejectUnauthorized: tls?.rejectUnauthorized ?? true,
    timeout: mqttPlan.connectTimeoutMs,
    ...(name === undefined ? {} : { servername: name }),
    // The worker's shared context holds the PEMs, parsed once; without it (tests), each connection parses them.
    ...(tls?.client === undefined
      ? {
          ...(tls?.ca === undefined ? {} : { ca: tls.ca }),
          ...(tls?.cert === undefined ? {} : { cert: tls.cert }),
          ...(tls?.key === undefined ? {} : { key: tls.key }),
        }
      : tls.client.connectOptions(deviceId)),
  };
  const socket = tlsConnect(options);
  tls?.client?.remember(deviceId, socket);
  socket.setNoDelay(true);
  return socket;
}
