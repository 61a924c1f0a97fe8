/**
 * What both engines hand their transport: Node TLS options and the `ws` client's options, from the
 * worker's broker target. Shared, so lean and MQTT.js connect with the same settings.
 */
import type { SecureContext } from 'node:tls';
import type { ClientOptions as WsClientOptions } from 'ws';
import type { MqttPlan } from '../../scenario/run-plan.js';
import type { TlsTarget } from '../messages.js';

/** The TLS options both engines pass on: PEM strings from the target, or the worker's shared context. */
export interface TransportTlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  minVersion: TlsTarget['minVersion'];
  rejectUnauthorized: boolean;
  secureContext?: SecureContext;
}

/**
 * Node TLS options from the target; verification stays on unless the scenario turned it off. With
 * the worker's shared context (src/worker/tls-client.ts) the PEMs are in it, parsed once.
 */
export function tlsOptions(tls: TlsTarget | undefined): TransportTlsOptions {
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
export function webSocketOptions(scheme: 'ws' | 'wss', mqttPlan: MqttPlan, tls: TransportTlsOptions): WsClientOptions {
  return {
    handshakeTimeout: mqttPlan.connectTimeoutMs,
    // MQTT over WebSocket needs no compression, and brokers rarely offer it (mosquitto does not).
    perMessageDeflate: false,
    followRedirects: false,
    ...(scheme === 'wss' ? tls : {}),
  };
}
