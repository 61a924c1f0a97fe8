/**
 * `--metrics-port`: live Prometheus text during long runs, for a Grafana dashboard
 * (deploy/grafana/mqtt-jwt-bench.json). Fed by the same once-a-second progress ticks as the
 * live view; the run's report stays the record.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { ProgressEvent, ProgressListener } from '../coordinator/progress.js';

export interface MetricsEndpoint {
  url: string;
  listener: ProgressListener;
  close(): Promise<void>;
}

export async function startMetricsEndpoint(host: string, port: number, scenario: string): Promise<MetricsEndpoint> {
  const registry = new Registry();
  registry.setDefaultLabels({ scenario });
  collectDefaultMetrics({ register: registry, prefix: 'mqtt_jwt_bench_process_' });
  const gauge = (name: string, help: string, labelNames: string[] = []): Gauge => new Gauge({ name: `mqtt_jwt_bench_${name}`, help, labelNames, registers: [registry] });
  const counter = (name: string, help: string, labelNames: string[] = []): Counter => new Counter({ name: `mqtt_jwt_bench_${name}`, help, labelNames, registers: [registry] });
  const connected = gauge('connected', 'Connections held now');
  const target = gauge('target_devices', 'Devices of this run (or shard)');
  const stage = gauge('stage', 'The stage running (0-based; -1 while preparing)');
  const eta = gauge('eta_seconds', 'Estimated time left');
  const ack = gauge('publish_ack_seconds', 'Publish to ack, from the planned send, over the run so far', ['quantile']);
  const published = counter('published_total', 'Messages published');
  const acked = counter('acked_total', 'Messages acknowledged (QoS 1 and 2)');
  const errors = counter('errors_total', 'Connect failures and errors by reason', ['reason']);
  const seen: Record<string, number> = {};
  const advance = (c: Counter, key: string, value: number, labels?: Record<string, string>): void => {
    const delta = value - (seen[key] ?? 0);
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
