/**
 * The RunResult: one versioned JSON document holds everything a run measured. Every other
 * format (console, html, csv) is rendered from it, and can be rendered again later.
 */
import { summarizeHistogram, type HistogramSummary } from '../metrics/histogram.js';
import { MetricsTotals, type MetricsSnapshot } from '../metrics/snapshot.js';
import type { RunPlan } from '../scenario/plan.js';
import type { Threshold } from '../scenario/threshold.js';

/** 2: per-stage sections, richer timeline, thresholds, shards, event-loop delay. */
export const SCHEMA_VERSION = 2;

export type RunStatus = 'complete' | 'interrupted' | 'failed';

export interface HistogramReport {
  summary: HistogramSummary;
  /** HdrHistogram compressed V2 encoding, base64; values in microseconds. */
  encoded: string;
}

export interface MetricsSection {
  /** Plain counters: devices, keysGenerated, tokensSigned, connectAttempts, connected, ... */
  counters: Record<string, number>;
  /** Connect failures by reason (CONNACK code name or socket error code). */
  connectFailures: Record<string, number>;
  /** Errors by kind: connection-lost, not-connected, publish-failed, ack-timeout, ... */
  errors: Record<string, number>;
  /** Microseconds. */
  histograms: Record<string, HistogramReport>;
}

export interface TimelinePoint {
  /** Seconds since the run's start. */
  second: number;
  connects: number;
  connectFailures: number;
  published: number;
  acked: number;
  errors: number;
  connected: number;
  /** Messages sent and not yet acknowledged at the second's end. */
  inFlight: number;
  publishAckP50Us: number;
  publishAckP99Us: number;
  /** That second's publish → ack histogram (encoded), so merged timelines stay exact. */
  publishAckEncoded?: string;
}

export interface StageRecord {
  index: number;
  type: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  /** What was recorded while this stage ran, over all groups. */
  total: MetricsSection;
  groups: Record<string, MetricsSection>;
}

/** A threshold as parsed, with its verdict. */
export interface ThresholdOutcome extends Threshold {
  passed: boolean;
  /** The measured value in the limit's unit (µs, /s, fraction, count); null when there was no data. */
  actual: number | null;
  /** Why there is no value, or that the run was stopped by this threshold. */
  note?: string;
}

/** Which shard of a distributed run a report is (filled by sharded runs). */
export interface ShardId {
  index: number;
  count: number;
  /** The common start every shard waited for (`--start-at`). */
  startAt?: string;
  /**
   * How late this shard's first stage began after `startAt`, by its own clock (null if it never
   * started). Shards cannot see each other's clocks: run NTP or chrony on every host, and compare
   * the `stages[0].startedAt` of merged shards to see their spread.
   */
  firstStageLateMs?: number | null;
}

/** Where a merged report came from. */
export interface ShardsInfo {
  /** Shards the run was planned with (the inputs' own count, or the number of inputs). */
  count: number;
  present: number[];
  missing: number[];
  sources: { shard: number; status: RunStatus; startedAt: string; file?: string }[];
}

export interface GeneratorWorker {
  index: number;
  devices: number;
  /** Share of the stages' time this worker's event loop was busy (0–1). */
  eventLoopUtilization: number;
  /** The busiest one-second interval. */
  peakEventLoopUtilization: number;
}

export interface GeneratorProcess {
  cpuUserMs: number;
  cpuSystemMs: number;
  /** Resident memory once keys and tokens were ready, before the first connection. */
  baselineRssBytes: number;
  peakRssBytes: number;
  peakConnected: number;
  /** (RSS at the most connections held − baseline) ÷ those connections; null if none was held. */
  rssPerConnectionBytes: number | null;
}

/** The harness's own load: whether it, rather than the broker, was the bottleneck. */
export interface GeneratorSection {
  saturated: boolean;
  /** Why it is called saturated, in words (empty when it is not). */
  reasons: string[];
  workers: GeneratorWorker[];
  process: GeneratorProcess;
}

export interface EnvironmentInfo {
  harnessVersion: string;
  node: string;
  platform: string;
  arch: string;
  cpuModel: string;
  cores: number;
  totalMemoryBytes: number;
}

export interface BrokerSection {
  kind: 'embedded' | 'external';
  url: string;
  /** The embedded broker's own metrics: auth outcomes, verify times per algorithm, traffic. */
  metrics?: Omit<MetricsSection, 'connectFailures' | 'errors'>;
}

export interface RunResult {
  schemaVersion: typeof SCHEMA_VERSION;
  /** One id per run, the same in every shard of it (`--run-id`); absent from reports of older versions. */
  runId?: string;
  status: RunStatus;
  /** Why the run was interrupted or failed. */
  statusReason?: string;
  scenario: { name: string; file: string; plan: RunPlan };
  environment: EnvironmentInfo;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  stages: StageRecord[];
  total: MetricsSection;
  groups: Record<string, MetricsSection>;
  broker: BrokerSection;
  timeline: TimelinePoint[];
  thresholds: ThresholdOutcome[];
  /** A shard's thresholds, recorded for `merge` to judge on the whole run (a shard never judges its slice). */
  unjudgedThresholds?: Threshold[];
  /** The harness watching itself (absent from merged reports: each shard has its own). */
  generator?: GeneratorSection;
  /** Set on a report that is one shard of a larger run. */
  shard?: ShardId;
  /** Set by `merge`. */
  shards?: ShardsInfo;
  /** Set when the scenario searches for capacity (`capacity:`): the last connect rate that held. */
  capacity?: CapacitySection;
  /** How much of its plan the run (or this shard's slice) carried out. */
  planShare?: PlanShare;
  /** What a reader must know beside the status: missing shards, lost connections, lost subscriptions. */
  caveats?: Caveat[];
  /** Subscribers that stopped receiving what their filter covers while it was still being published. */
  subscriptionLosses?: SubscriptionLoss[];
}

/** Subscribers of one group and filter that went silent: from when, and about how much they missed. */
export interface SubscriptionLoss {
  group: string;
  /** The subscribe stage's filter template. */
  filter: string;
  devices: number;
  /** When the first of them last received (or subscribed), ISO time. */
  silentFrom: string;
  /** Messages their filters covered after they went silent, from the plan's rates (an estimate). */
  missedMessages: number;
  /** The first few such devices. */
  deviceIds: string[];
}

/** How much of its plan a run carried out; `notRun` when it counts as not having happened (exit 5). */
export interface PlanShare {
  devicesPlanned: number;
  devicesConnected: number;
  /** Messages the publish stages plan for these devices. */
  messagesPlanned: number;
  /** Messages sent (`published`). */
  messagesSent: number;
  minSentPercent: number;
  expect: 'delivery' | 'refusals';
  /** Why the run did not happen: no device connected, too little sent, or a shard that started too late. */
  notRun?: string;
}

export type CaveatKind = 'missing-shards' | 'interrupted' | 'connections-lost' | 'subscription-lost';

export interface Caveat {
  kind: CaveatKind;
  /** A few words for the badge: `1 shard missing`, `32.6% of the plan ran`, `connections lost`. */
  label: string;
  /** In words, with the figures. */
  message: string;
}

/** One connect stage of a capacity search, judged on its own figures. */
export interface CapacityStep {
  stageIndex: number;
  /** The step's connect rate (a ramp's peak). */
  ratePerSec: number;
  devices: number;
  held: boolean;
  outcomes: ThresholdOutcome[];
}

export interface CapacitySection {
  /** The rate of the last step that held before the first break; null when the first step broke. */
  lastHeldPerSec: number | null;
  /** The rate of the first step that broke; null when every step held. */
  firstBrokenPerSec: number | null;
  /** The verdict in words, e.g. "held up to 200/s; broke at 400/s (connect.p(99)<250ms)". */
  verdict: string;
  steps: CapacityStep[];
}

const CONNECT_FAILED_PREFIX = 'connectFailed.';
const ERRORS_PREFIX = 'errors.';

/** Shapes accumulated metrics into a report section (flat counters split by prefix). */
export function metricsSection(totals: MetricsTotals): MetricsSection {
  const counters: Record<string, number> = {};
  const connectFailures: Record<string, number> = {};
  const errors: Record<string, number> = {};
  for (const [name, value] of Object.entries(totals.counters).sort(([a], [b]) => a.localeCompare(b))) {
    if (name.startsWith(CONNECT_FAILED_PREFIX)) connectFailures[name.slice(CONNECT_FAILED_PREFIX.length)] = value;
    else if (name.startsWith(ERRORS_PREFIX)) errors[name.slice(ERRORS_PREFIX.length)] = value;
    else counters[name] = value;
  }
  const histograms: Record<string, HistogramReport> = {};
  const snapshot = totals.toSnapshot();
  for (const [name, histogram] of [...totals.histograms()].sort(([a], [b]) => a.localeCompare(b))) {
    histograms[name] = { summary: summarizeHistogram(histogram), encoded: snapshot.histograms[name] as string };
  }
  return { counters, connectFailures, errors, histograms };
}

/** The embedded broker's cumulative snapshot as the report's broker metrics. */
export function brokerMetricsOf(snapshot: MetricsSnapshot): NonNullable<BrokerSection['metrics']> {
  const totals = new MetricsTotals();
  totals.add(snapshot);
  const section = metricsSection(totals);
  return { counters: section.counters, histograms: section.histograms };
}
