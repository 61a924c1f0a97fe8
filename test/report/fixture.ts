/**
 * RunResults built from real recorded histograms (no run needed): deterministic samples from a
 * seeded generator, shaped like a run's, so renderers, merge and compare are tested on real data.
 */
import { createHistogram, encodeHistogram, recordUs } from '../../src/metrics/histogram.js';
import { MetricsTotals } from '../../src/metrics/snapshot.js';
import { metricsSection, SCHEMA_VERSION, type RunResult, type ShardId, type TimelinePoint } from '../../src/report/model/run-result.js';
import type { RunPlan } from '../../src/scenario/run-plan.js';

/** mulberry32: a small, seeded, repeatable generator. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const PLAN: RunPlan = {
  scenarioName: 'fixture',
  broker: { kind: 'embedded' },
  workers: 2,
  mqtt: {
    protocolVersion: 4,
    keepaliveSec: 60,
    connectTimeoutMs: 30_000,
    clean: true,
    reconnect: { enabled: true, initialDelayMs: 250, maxDelayMs: 5000, maxAttempts: 10 },
    engine: 'mqttjs',
    tlsResumption: false,
    auth: { way: 'password' },
    qosAboveMaximum: 'refuse',
    sessionExpirySec: null,
    userProperties: {},
    will: null,
  },
  localAddresses: [],
  tls: null,
  embedded: {
    skewSec: 60,
    maxLifetimeSec: 86_400,
    requireKid: true,
    maxTokenBytes: 8192,
    tls: false,
    expiryDisconnect: true,
    maxQos: 1,
    connectTimeoutMs: 10_000,
    maxPacketBytes: 262_144,
    downlink: null,
  },
  groups: [
    {
      name: 'ec',
      count: 40,
      firstIndex: 0,
      idPattern: 'ec-{index:03}',
      alg: 'ES256',
      rsaBits: 2048,
      keys: { mode: 'per-device', storePath: 'keys/ec.json' },
      token: {
        lifetimeSec: 1200,
        audienceTemplate: 'https://akenza.io/devices/{deviceId}',
        includeKid: true,
        refreshBeforeSec: 60,
        refresh: 'reconnect',
        claims: {},
        headers: {},
      },
      topicTemplate: '/up/device/id/{deviceId}',
      ids: null,
      payload: { kind: 'template', template: '{}', json: false },
      payloadTemplate: '{}',
    },
    {
      name: 'rsa',
      count: 20,
      firstIndex: 40,
      idPattern: 'rsa-{index:03}',
      alg: 'RS256',
      rsaBits: 2048,
      keys: { mode: 'per-device', storePath: 'keys/rsa.json' },
      token: {
        lifetimeSec: 1200,
        audienceTemplate: 'https://akenza.io/devices/{deviceId}',
        includeKid: true,
        refreshBeforeSec: 60,
        refresh: 'reconnect',
        claims: {},
        headers: {},
      },
      topicTemplate: '/up/device/id/{deviceId}',
      ids: null,
      payload: { kind: 'template', template: '{}', json: false },
      payloadTemplate: '{}',
    },
  ],
  stages: [
    { type: 'connect', groups: ['ec', 'rsa'], ratePerSec: 20, ramp: null, order: 'grouped' },
    { type: 'publish', groups: ['ec', 'rsa'], ratePerDevicePerSec: 1, countPerDevice: 10, qos: 1, retain: false, order: 'grouped', properties: null },
    { type: 'disconnect', groups: ['ec', 'rsa'], ratePerSec: null },
  ],
  thresholds: [],
  capacity: null,
  expect: 'delivery',
  minSentPercent: 95,
  judgeGenerator: true,
  clock: { probe: true, correct: true, topicTemplate: 'mqtt-jwt-bench/clock/{runId}', intervalMs: 30_000 },
  stopEarly: true,
};

export interface FixtureOptions {
  seed: number;
  startedAt?: string;
  seconds?: number;
  /** Scales latencies, to make one run slower than another. */
  slowdown?: number;
  shard?: ShardId;
}

/** One group's section: connects, publishes, acks with latencies drawn from a long-tailed law. */
function groupTotals(random: () => number, devices: number, messages: number, slowdown: number): MetricsTotals {
  const totals = new MetricsTotals();
  const snapshot = (name: string, n: number, draw: () => number): string => {
    const h = createHistogram();
    for (let i = 0; i < n; i++) recordUs(h, draw());
    return encodeHistogram(h);
  };
  const tail = (medianUs: number) => () => medianUs * slowdown * Math.exp(random() * random() * 4);
  totals.add({
    counters: {
      devices,
      connectAttempts: devices,
      connected: devices,
      published: messages,
      acked: messages - 1,
      disconnected: devices,
      'errors.ack-timeout': 1,
    },
    histograms: {
      signUs: snapshot('signUs', devices, tail(900)),
      connectUs: snapshot('connectUs', devices, tail(3000)),
      publishAckUs: snapshot('publishAckUs', messages - 1, tail(700)),
      publishAckUncorrectedUs: snapshot('publishAckUncorrectedUs', messages - 1, tail(500)),
      sendLagUs: snapshot('sendLagUs', messages, tail(40)),
    },
  });
  return totals;
}

export function fixtureResult(options: FixtureOptions): RunResult {
  const random = seeded(options.seed);
  const slowdown = options.slowdown ?? 1;
  const seconds = options.seconds ?? 12;
  const startedAt = options.startedAt ?? '2026-11-28T08:00:00.250Z';
  const startMs = Date.parse(startedAt);
  const ec = groupTotals(random, 40, 400, slowdown);
  const rsa = groupTotals(random, 20, 200, slowdown * 1.5);
  const harness = new MetricsTotals();
  harness.add({
    counters: {},
    histograms: { eventLoopDelayUs: encodeHistogram(((h) => (recordUs(h, 120, 500), recordUs(h, 2400, 20), h))(createHistogram())) },
  });
  const total = new MetricsTotals();
  for (const t of [ec, rsa, harness]) total.addTotals(t);
  const iso = (ms: number): string => new Date(ms).toISOString();
  return {
    schemaVersion: SCHEMA_VERSION,
    status: 'complete',
    scenario: { name: 'fixture', file: 'scenarios/fixture.yaml', plan: PLAN },
    environment: { harnessVersion: '0.1.0', node: 'v20.20.2', platform: 'linux', arch: 'x64', cpuModel: 'test', cores: 2, totalMemoryBytes: 1 },
    startedAt,
    endedAt: iso(startMs + seconds * 1000),
    durationMs: seconds * 1000,
    stages: [
      {
        index: 0,
        type: 'connect',
        startedAt: iso(startMs + 1000),
        endedAt: iso(startMs + 4000),
        durationMs: 3000,
        total: metricsSection(total),
        groups: { ec: metricsSection(ec), rsa: metricsSection(rsa) },
      },
    ],
    total: metricsSection(total),
    groups: { ec: metricsSection(ec), rsa: metricsSection(rsa) },
    broker: { kind: 'embedded', url: 'mqtt://127.0.0.1:1883' },
    timeline: timeline(random, seconds, slowdown),
    thresholds: [],
    ...(options.shard === undefined ? {} : { shard: options.shard }),
  };
}

function timeline(random: () => number, seconds: number, slowdown: number): TimelinePoint[] {
  return Array.from({ length: seconds }, (_, second) => {
    const h = createHistogram();
    const n = second < 3 ? 0 : 50;
    for (let i = 0; i < n; i++) recordUs(h, 600 * slowdown * Math.exp(random() * 2));
    const point: TimelinePoint = {
      second,
      connects: second < 3 ? 20 : 0,
      connectFailures: 0,
      published: n,
      acked: n,
      errors: 0,
      connected: Math.min(60, (second + 1) * 20),
      inFlight: n === 0 ? 0 : 3,
      publishAckP50Us: 0,
      publishAckP99Us: 0,
    };
    if (n > 0)
      Object.assign(point, { publishAckP50Us: h.getValueAtPercentile(50), publishAckP99Us: h.getValueAtPercentile(99), publishAckEncoded: encodeHistogram(h) });
    return point;
  });
}
