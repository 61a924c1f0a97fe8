/** The embedded broker: Aedes on a TCP port, with akenza's authentication and topic rules. */
import { Aedes } from 'aedes';
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { VerifyPolicy } from '../identity/verify.js';
import { createAuthorizePublish, createAuthorizeSubscribe } from './acl.js';
import { createAuthenticate } from './auth.js';
import { BROKER_METRIC, BrokerMetrics } from './broker-metrics.js';
import { DeviceRegistry, type DeviceRecord } from './registry.js';

export interface BrokerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  policy: VerifyPolicy;
  devices?: Iterable<DeviceRecord>;
  /** Drop a connection that sends no CONNECT within this time. */
  connectTimeoutMs?: number;
}

export interface RunningBroker {
  host: string;
  port: number;
  registry: DeviceRegistry;
  metrics: BrokerMetrics;
  close(): Promise<void>;
}

export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const registry = new DeviceRegistry();
  if (options.devices !== undefined) registry.add(options.devices);
  const metrics = new BrokerMetrics();
  const aedes = await Aedes.createBroker({
    connectTimeout: options.connectTimeoutMs ?? 30_000,
    authenticate: createAuthenticate({ registry, policy: options.policy, metrics, nowMs: () => Date.now() }),
    authorizePublish: createAuthorizePublish(metrics),
    authorizeSubscribe: createAuthorizeSubscribe(metrics),
  });
  aedes.on('clientReady', () => metrics.recorder.count(BROKER_METRIC.connections));
  aedes.on('clientDisconnect', () => metrics.recorder.count(BROKER_METRIC.disconnections));
  aedes.on('publish', (packet, client) => {
    if (client === null) return;
    metrics.recorder.count(BROKER_METRIC.messagesIn);
    metrics.recorder.count(BROKER_METRIC.bytesIn, packet.payload.length);
  });
  const server = createServer(aedes.handle);
  await listen(server, options.port, options.host);
  const { port } = server.address() as AddressInfo;
  return {
    host: options.host,
    port,
    registry,
    metrics,
    close: () => closeAll(server, aedes),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function closeAll(server: Server, aedes: Aedes): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => aedes.close(() => resolve()));
  await closed;
}
