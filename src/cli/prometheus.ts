/**
 * `--metrics-port`: live Prometheus text during long runs, for a Grafana dashboard
 * (deploy/grafana/mqtt-jwt-bench.json). Fed by the same once-a-second progress ticks as the
 * live view; the run's report stays the record.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { ProgressEvent, ProgressListener } from '../coordinator/progress.js';

const PREFIX = 'mqtt_jwt_bench_';
/** Error reasons exported as 0 from the first scrape (src/report/judge/faults.ts and docs/report-format.md name them). */
const USUAL_ERROR_REASONS: readonly string[] = [
  'connection-lost',
  'not-connected',
  'lost-in-flight',
  'publish-failed',
  'ack-timeout',
  'not-authorized',
  'connect-timeout',
];

export interface MetricsEndpoint {
  url: string;
  listener: ProgressListener;
  close(): Promise<void>;
}

export async function startMetricsEndpoint(host: string, port: number, scenario: string): Promise<MetricsEndpoint> {
  const registry = new Registry();
  registry.setDefaultLabels({ scenario });
  // prom-client's default names already carry `process_` / `nodejs_`: the prefix is only ours.
  collectDefaultMetrics({ register: registry, prefix: PREFIX });
  const gauge = (name: string, help: string, labelNames: string[] = []): Gauge =>
    new Gauge({ name: `${PREFIX}${name}`, help, labelNames, registers: [registry] });
  const counter = (name: string, help: string, labelNames: string[] = []): Counter =>
    new Counter({ name: `${PREFIX}${name}`, help, labelNames, registers: [registry] });
  const connected = gauge('connected', 'Connections held now');
  const target = gauge('target_devices', 'Devices of this run (or shard)');
  const stage = gauge('stage', 'The stage running (0-based; -1 while preparing)');
  const eta = gauge('eta_seconds', 'Estimated time left');
  const ack = gauge('publish_ack_seconds', 'Publish to ack, from the planned send, over the run so far', ['quantile']);
  const published = counter('published_total', 'Messages published');
  const acked = counter('acked_total', 'Messages acknowledged (QoS 1 and 2)');
  const errors = counter('errors_total', 'Connect failures and errors by reason', ['reason']);
  const seen: Record<string, number> = {};
  // Every series starts at zero, so rate() and increase() see its first step: the usual reasons
  // are exported as 0 from the start, and a reason first met is exported as 0 for one scrape
  // interval (one tick) before its count catches up.
  for (const reason of USUAL_ERROR_REASONS) errors.inc({ reason }, 0);
  const advance = (c: Counter, key: string, value: number, labels?: Record<string, string>): void => {
    const last = seen[key];
    if (last === undefined && labels !== undefined && !USUAL_ERROR_REASONS.includes(labels['reason'] ?? '')) {
      c.inc(labels, 0);
      seen[key] = 0;
      return;
    }
    const delta = value - (last ?? 0);
    if (delta > 0) {
      if (labels === undefined) c.inc(delta);
      else c.inc(labels, delta);
    }
    seen[key] = value;
  };
  const listener = (event: ProgressEvent): void => {
    if (event.type !== 'tick') return;
    connected.set(event.connected);
    target.set(event.targetConnected);
    stage.set(event.stageIndex);
    if (event.etaMs !== null) eta.set(event.etaMs / 1000);
    if (event.publishAckP50Us !== null) ack.set({ quantile: '0.5' }, event.publishAckP50Us / 1e6);
    if (event.publishAckP99Us !== null) ack.set({ quantile: '0.99' }, event.publishAckP99Us / 1e6);
    advance(published, 'published', event.published);
    advance(acked, 'acked', event.acked);
    for (const [reason, value] of Object.entries(event.errorsByReason)) advance(errors, `error:${reason}`, value, { reason });
  };
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end('see /metrics\n');
      return;
    }
    void registry.metrics().then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/metrics`, listener, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
