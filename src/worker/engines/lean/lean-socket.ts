/**
 * The lean engine's socket: plain TCP or TLS, from the device's source address when it has one.
 * TLS options are the ones client-options.ts gives MQTT.js, so both engines verify alike.
 *
 * Nothing here lives as long as the connection beyond what Node keeps itself: no socket timeout
 * (the session's own connect timer bounds the handshake and the CONNACK, and the keepalive sweep
 * watches a held connection), so a held TLS socket carries no Timeout of its own that every read
 * and write would re-arm.
 */
import { connect as netConnect, isIP, type OnReadOpts, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { MqttPlan } from '../../../scenario/run-plan.js';
import { bindOptions, type DeviceEndpoint } from '../../endpoint.js';
import type { TlsTarget } from '../../messages.js';

const DEFAULT_PORTS: Record<string, number> = { 'mqtt:': 1883, 'mqtts:': 8883 };

interface BrokerAddress {
  protocol: string;
  host: string;
  port: number;
}

/** Broker URLs parsed once per worker: a scenario names a handful, and every connect of a device reads one. */
const parsed = new Map<string, BrokerAddress>();
/** A bound on the cache, for a process (tests) that meets many brokers. */
const PARSED_MAX = 256;

function brokerAddress(href: string): BrokerAddress {
  let address = parsed.get(href);
  if (address === undefined) {
    const url = new URL(href);
    const port = url.port === '' ? (DEFAULT_PORTS[url.protocol] ?? 1883) : Number(url.port);
    address = { protocol: url.protocol, host: url.hostname.replace(/^\[|\]$/g, ''), port };
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(href, address);
  }
  return address;
}

/**
 * `deviceId` keys the device's TLS session ticket when the worker resumes sessions (src/worker/tls-client.ts).
 * `_mqttPlan` is not read: the connect timeout is the session's (lean-session.ts).
 * `onread`, on plain TCP, reads into the caller's buffer instead of a fresh one per read, and
 * hands the bytes to its callback instead of 'data' events (TLS sockets ignore it).
 */
export function openSocket(endpoint: DeviceEndpoint, tls: TlsTarget | undefined, _mqttPlan: MqttPlan, deviceId = '', onread?: OnReadOpts): Socket {
  const { protocol, host, port } = brokerAddress(endpoint.url);
  if (protocol === 'mqtt:') {
    // One options object, no spreads: Node copies it once more itself. Absent fields stay undefined,
    // which net.connect reads as not given (no bind without a source address, no onread).
    const { localAddress, localPort } = bindOptions(endpoint);
    return netConnect({ host, port, noDelay: true, localAddress, localPort, onread });
  }
  if (protocol !== 'mqtts:') throw new Error(`the lean engine speaks mqtt:// and mqtts:// only (got ${protocol}//)`);
  // SNI carries names only (RFC 6066 §3): an IP host sends none unless the scenario names one.
  const name = tls?.servername ?? (isIP(host) === 0 ? host : undefined);
  const client = tls?.client;
  // Node keeps this object on the socket for its life (it reads it again at the handshake's end), so
  // it holds only what the connection needs: with the worker's shared context the PEMs and
  // minVersion are in the context, parsed once; without it (tests), each connection parses them.
  const options: ConnectionOptions = {
    host,
    port,
    ...bindOptions(endpoint),
    rejectUnauthorized: tls?.rejectUnauthorized ?? true,
    ...(name === undefined ? {} : { servername: name }),
    ...(client === undefined
      ? {
          minVersion: tls?.minVersion ?? 'TLSv1.2',
          ...(tls?.ca === undefined ? {} : { ca: tls.ca }),
          ...(tls?.cert === undefined ? {} : { cert: tls.cert }),
          ...(tls?.key === undefined ? {} : { key: tls.key }),
        }
      : client.connectOptions(deviceId)),
  };
  const socket = tlsConnect(options);
  client?.remember(deviceId, socket);
  socket.setNoDelay(true);
  return socket;
}
