/**
 * Opens an MQTT.js client for one device's endpoint. MQTT.js v5 does not hand `localAddress` on
 * to `net.connect` (lib/connect/tcp.ts passes only port, host and path), so a device with a
 * source address gets its socket from a stream builder of ours; over WebSocket the address goes
 * to the `ws` client, which passes it on to `http.request`.
 */
import { isIP, connect as netConnect } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import mqtt, { MqttClient } from 'mqtt';
import type { DeviceClientOptions } from './client-options.js';
import { bindOptions, type DeviceEndpoint } from '../../endpoint.js';
import type { TlsClient } from '../../tls-client.js';

const DEFAULT_PORTS: Record<string, number> = { mqtt: 1883, mqtts: 8883 };

/**
 * `tlsClient`: the worker's shared TLS context and session tickets; mqtts:// then always goes
 * through our stream builder, which hands the device's last ticket to `tls.connect` and keeps the next.
 */
export function openClient(endpoint: DeviceEndpoint, options: DeviceClientOptions, tlsClient?: TlsClient): MqttClient {
  const { localAddress } = endpoint;
  const parsed = new URL(endpoint.url);
  const scheme = parsed.protocol.replace(/:$/, '');
  if (localAddress === undefined && !(scheme === 'mqtts' && tlsClient !== undefined)) return mqtt.connect(endpoint.url, options);
  if (scheme === 'ws' || scheme === 'wss') {
    return mqtt.connect(endpoint.url, { ...options, wsOptions: { ...options.wsOptions, localAddress } });
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const port = parsed.port === '' ? (DEFAULT_PORTS[scheme] ?? 1883) : Number(parsed.port);
  if (scheme === 'mqtts') {
    const { ca, cert, key, servername, minVersion, rejectUnauthorized } = options;
    // SNI carries names only (RFC 6066 §3), so an IP host sends none, as MQTT.js does.
    const name = servername ?? (isIP(host) === 0 ? host : undefined);
    const tls: ConnectionOptions = { minVersion, rejectUnauthorized, ...(name === undefined ? {} : { servername: name }) };
    if (tlsClient !== undefined) {
      const deviceId = options.clientId ?? '';
      return new MqttClient(
        () => {
          const socket = tlsConnect({ ...tls, ...tlsClient.connectOptions(deviceId), host, port, ...bindOptions(endpoint) });
          tlsClient.remember(deviceId, socket);
          return socket;
        },
        { ...options, protocol: 'mqtts' },
      );
    }
    // client-options.ts sets these from PEM strings only.
    if (ca !== undefined) tls.ca = ca;
    if (cert !== undefined) tls.cert = cert;
    if (key !== undefined) tls.key = key as string;
    return new MqttClient(() => tlsConnect({ ...tls, host, port, ...bindOptions(endpoint) }), { ...options, protocol: 'mqtts' });
  }
  return new MqttClient(() => netConnect({ host, port, ...bindOptions(endpoint) }), { ...options, protocol: 'mqtt' });
}
