/**
 * The MQTT.js options of one device, built by a pure function so that every option is visible,
 * set explicitly and testable without a socket. MQTT.js's defaults would reconnect silently and
 * hide failures, so nothing is left to them.
 */
import type { ConnectionOptions } from 'node:tls';
import type { IClientOptions } from 'mqtt';
import type { ClientOptions as WsClientOptions } from 'ws';
import type { MqttPlan } from '../scenario/plan.js';
import type { BrokerTarget, TlsTarget } from './messages.js';

/** MQTT.js hands the whole options object to `tls.connect`, so `minVersion` and `secureContext` reach it too. */
export type DeviceClientOptions = IClientOptions & Pick<ConnectionOptions, 'minVersion' | 'secureContext'>;

export function deviceClientOptions(target: BrokerTarget, mqttPlan: MqttPlan, clientId: string, password: string): DeviceClientOptions {
  const scheme = new URL(target.url).protocol.replace(/:$/, '');
  const tls = tlsOptions(target.tls);
  return {
    clientId,
    // akenza ignores the username; some libraries only send a password when one is set.
    username: 'unused',
    password,
    protocolVersion: mqttPlan.protocolVersion,
    keepalive: mqttPlan.keepaliveSec,
    clean: mqttPlan.clean,
    // MQTT 5 §3.1.2.11.2: absent means 0, the session ends with the connection.
    ...(mqttPlan.protocolVersion === 5 && mqttPlan.sessionExpirySec !== null ? { properties: { sessionExpiryInterval: mqttPlan.sessionExpirySec } } : {}),
    connectTimeout: mqttPlan.connectTimeoutMs,
    reconnectPeriod: 0,
    resubscribe: false,
    queueQoSZero: false,
    timerVariant: 'native',
    ...(scheme === 'mqtts' ? tls : {}),
    ...(scheme === 'ws' || scheme === 'wss' ? { wsOptions: webSocketOptions(scheme, mqttPlan, tls) } : {}),
  };
}

/**
 * Node TLS options from the target; verification stays on unless the scenario turned it off. With
 * the worker's shared context (src/worker/tls-client.ts) the PEMs are in it, parsed once.
 */
export function tlsOptions(
  tls: TlsTarget | undefined,
): Pick<DeviceClientOptions, 'ca' | 'cert' | 'key' | 'servername' | 'minVersion' | 'rejectUnauthorized' | 'secureContext'> {
  if (tls === undefined) return { minVersion: 'TLSv1.2', rejectUnauthorized: true };
  if (tls.client !== undefined) {
    const { secureContext } = tls.client;
    return {
      secureContext,
      ...(tls.servername === undefined ? {} : { servername: tls.servername }),
      minVersion: tls.minVersion,
      rejectUnauthorized: tls.rejectUnauthorized,
    };
  }
  return {
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls.key === undefined ? {} : { key: tls.key }),
    ...(tls.servername === undefined ? {} : { servername: tls.servername }),
    minVersion: tls.minVersion,
    rejectUnauthorized: tls.rejectUnauthorized,
  };
}

/**
 * The `ws` client's options. MQTT.js copies only ca, cert, key and rejectUnauthorized into them
 * for wss (lib/connect/ws.ts, WSS_OPTIONS), so servername and minVersion are passed here. The lean
 * engine's WebSocket (lean/lean-websocket.ts) takes the same options.
 */
export function webSocketOptions(scheme: 'ws' | 'wss', mqttPlan: MqttPlan, tls: ReturnType<typeof tlsOptions>): WsClientOptions {
  return {
    handshakeTimeout: mqttPlan.connectTimeoutMs,
    // MQTT over WebSocket needs no compression, and brokers rarely offer it (mosquitto does not).
    perMessageDeflate: false,
    followRedirects: false,
    ...(scheme === 'wss' ? tls : {}),
  };
}
