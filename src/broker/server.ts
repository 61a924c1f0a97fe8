/**
 * The embedded broker: Aedes 2 behind TCP, TLS and WebSocket listeners, MQTT 3.1.1 and 5, with
 * akenza's authentication and topic rules, expiry disconnects, downlinks, guards and its own
 * metrics. MQTT 5 enhanced authentication (the token under an Authentication Method, and AUTH
 * 0x19 re-authentication) is handled in front of Aedes: see enhanced-auth.ts and docs/reauth.md.
 */
import { Aedes, type Client } from 'aedes';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { createAuthorizePublish, createAuthorizeSubscribe, isAclDenial } from './acl.js';
import { createAuthenticate } from './auth.js';
import { BROKER_DEFAULTS, type BrokerOptions } from './broker-options.js';
import { BROKER_METRIC, BrokerMetrics } from './broker-metrics.js';
import { startDownlinks } from './downlinks.js';
import { EnhancedAuth, REASON } from './enhanced-auth.js';
import { listenTcp, listenTls, listenWs, type Listener, type StreamHandler } from './listeners.js';
import { guardMqRecursion } from './mq-guard.js';
import { guardPacketSize } from './packet-guard.js';
import { DeviceRegistry } from './registry.js';
import { SessionExpiry } from './session-expiry.js';
import { TrafficCounter } from './traffic.js';

export interface RunningBroker {
  host: string;
  /** The plain MQTT port (0 when none is open). */
  port: number;
  tlsPort?: number;
  wsPort?: number;
  registry: DeviceRegistry;
  metrics: BrokerMetrics;
  /** Sessions connected now. */
  connectedClients(): number;
  close(): Promise<void>;
}

export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const nowMs = options.nowMs ?? Date.now;
  const registry = new DeviceRegistry();
  if (options.devices !== undefined) registry.add(options.devices);
  if (options.keySet !== undefined) registry.addKeySet(options.keySet);
  const traffic = new TrafficCounter();
  const metrics = new BrokerMetrics((recorder) => {
    const { bytesIn, bytesOut } = traffic.take();
    recorder.count(BROKER_METRIC.bytesIn, bytesIn);
    recorder.count(BROKER_METRIC.bytesOut, bytesOut);
  });
  const count = (name: string, n = 1): void => metrics.recorder.count(name, n);
  const expiry = new SessionExpiry(options.policy.skewSec, nowMs, options.expirySweepMs ?? BROKER_DEFAULTS.expirySweepMs, (client) => {
    count(BROKER_METRIC.expiryDisconnects);
    // MQTT 5: DISCONNECT 0xA0 (Maximum connect time) names why; 3.1.1 has no server DISCONNECT.
    client.disconnect({ reasonCode: REASON.maximumConnectTime, properties: { reasonString: 'token expired' } });
  });
  const enhancedAuth = new EnhancedAuth({
    method: options.authMethod ?? BROKER_DEFAULTS.authMethod,
    reauth: options.reauth ?? BROKER_DEFAULTS.reauth,
    registry,
    policy: options.policy,
    metrics,
    nowMs,
    maxQos: options.maxQos ?? BROKER_DEFAULTS.maxQos,
    receiveMaximum: options.receiveMaximum ?? BROKER_DEFAULTS.receiveMaximum,
    onReauthenticated: (client, expSec) => expiry.extended(client, expSec),
    ...(options.onDenial === undefined ? {} : { onDenial: options.onDenial }),
  });
  const broker = await createAedes(options, { registry, metrics, nowMs, count, expiry, enhancedAuth });
  const maxPacketBytes = options.maxPacketBytes ?? BROKER_DEFAULTS.maxPacketBytes;
  const handle: StreamHandler = (stream: Duplex, request) => {
    guardPacketSize(stream, maxPacketBytes, (why) => count(BROKER_METRIC.guardPrefix + why));
    enhancedAuth.attach(broker.handle(stream, request));
  };
  const onSocket = (socket: Socket): void => {
    count(BROKER_METRIC.sockets);
    traffic.track(socket);
  };
  const listeners = await openListeners(options, handle, onSocket).catch(async (error: unknown) => {
    expiry.stop();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw error;
  });
  const downlinks = options.downlink === undefined ? undefined : startDownlinks(broker, () => Object.keys(clientsOf(broker)), options.downlink, nowMs, count);
  const portOf = (kind: Listener['kind']): number | undefined => listeners.find((l) => l.kind === kind)?.port;
  return {
    host: options.host,
    port: portOf('mqtt') ?? 0,
    ...(portOf('mqtts') === undefined ? {} : { tlsPort: portOf('mqtts') }),
    ...(portOf('ws') === undefined ? {} : { wsPort: portOf('ws') }),
    registry,
    metrics,
    connectedClients: () => broker.connectedClients,
    close: async () => {
      expiry.stop();
      downlinks?.stop();
      const closed = Promise.all(listeners.map((l) => l.close()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      traffic.destroyAll();
      await closed;
    },
  };
}

interface AedesParts {
  registry: DeviceRegistry;
  metrics: BrokerMetrics;
  nowMs: () => number;
  count: (name: string, n?: number) => void;
  expiry: SessionExpiry;
  enhancedAuth: EnhancedAuth;
}

/** Aedes with akenza's hooks, the recursion guard, and its events counted. */
async function createAedes(options: BrokerOptions, { registry, metrics, nowMs, count, expiry, enhancedAuth }: AedesParts): Promise<Aedes> {
  const expiryOn = options.expiryDisconnect ?? BROKER_DEFAULTS.expiryDisconnect;
  // isConnected runs only on a client's CONNECT, after createBroker has resolved.
  const aedes: Aedes = await Aedes.createBroker({
    connectTimeout: options.connectTimeoutMs ?? BROKER_DEFAULTS.connectTimeoutMs,
    // Advertised in MQTT 5 CONNACKs; the packet guard (packet-guard.ts) refuses larger ones first.
    maximumPacketSize: options.maxPacketBytes ?? BROKER_DEFAULTS.maxPacketBytes,
    receiveMaximum: options.receiveMaximum ?? BROKER_DEFAULTS.receiveMaximum,
    preConnect: enhancedAuth.preConnect,
    authenticate: createAuthenticate({
      registry,
      policy: options.policy,
      metrics,
      nowMs,
      isConnected: (id) => clientsOf(aedes)[id] !== undefined,
      tokenOf: (client, password) => enhancedAuth.tokenAtConnect(client, password),
      onAccepted: (client: Client, expSec: number, kid: string) => {
        enhancedAuth.accepted(client, kid, expSec);
        if (expiryOn) expiry.accepted(client, expSec);
      },
      ...(options.onDenial === undefined ? {} : { onDenial: options.onDenial }),
    }),
    authorizePublish: createAuthorizePublish(metrics, options.maxQos ?? BROKER_DEFAULTS.maxQos, options.onDenial),
    authorizeSubscribe: createAuthorizeSubscribe(metrics, options.onDenial),
    authorizeForward: (_client, packet) => {
      count(BROKER_METRIC.messagesOut);
      count(BROKER_METRIC.payloadBytesOut, packet.payload.length);
      return packet;
    },
  });
  guardMqRecursion((aedes as unknown as { mq: unknown }).mq);
  aedes.on('clientReady', (client) => expiry.ready(client));
  watchEvents(aedes, count, (client) => expiry.gone(client));
  return aedes;
}

/** Aedes keeps connected sessions by client id in `clients`, which its types leave out. */
function clientsOf(aedes: Aedes): Record<string, Client> {
  return (aedes as unknown as { clients: Record<string, Client> }).clients;
}

function watchEvents(aedes: Aedes, count: (name: string, n?: number) => void, onGone: (client: Client) => void): void {
  aedes.on('clientReady', () => count(BROKER_METRIC.connections));
  aedes.on('clientDisconnect', (client) => {
    count(BROKER_METRIC.disconnections);
    onGone(client);
  });
  aedes.on('clientError', (client, error) => {
    // Aedes 2 reports an MQTT 5 ACL refusal (PUBACK 0x87) as a client error on a session that
    // stays open; it is counted as a denial already (acl.ts).
    if (isAclDenial(error)) return;
    count(BROKER_METRIC.clientErrors);
    onGone(client);
  });
  aedes.on('connectionError', (_client, error) => {
    if (/connect did not arrive in time/.test(error.message)) count(`${BROKER_METRIC.guardPrefix}connect-timeout`);
    else count(BROKER_METRIC.connectionErrors);
  });
  aedes.on('publish', (packet, client) => {
    if (client === null) return;
    count(BROKER_METRIC.messagesIn);
    count(BROKER_METRIC.payloadBytesIn, packet.payload.length);
  });
}

async function openListeners(options: BrokerOptions, handle: StreamHandler, onSocket: (s: Socket) => void): Promise<Listener[]> {
  const opened: Listener[] = [];
  try {
    if (options.port !== null) opened.push(await listenTcp(options.host, options.port, handle, onSocket));
    if (options.tlsPort !== undefined && options.tlsPort !== null) {
      if (options.tls === undefined) throw new Error('a TLS port needs a certificate and key');
      opened.push(await listenTls(options.host, options.tlsPort, options.tls, handle, onSocket));
    }
    if (options.wsPort !== undefined && options.wsPort !== null)
      opened.push(await listenWs(options.host, options.wsPort, options.maxPacketBytes ?? BROKER_DEFAULTS.maxPacketBytes, handle, onSocket));
  } catch (error) {
    await Promise.all(opened.map((l) => l.close()));
    throw error;
  }
  return opened;
}
