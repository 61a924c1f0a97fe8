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
  /** Planned against achieved (absent from reports written before it was recorded). */
  pace?: StagePace;
}

/** A stage's plan beside what happened (src/report/stage-pace.ts). */
export interface StagePace {
  /** This report's part of the plan: the whole run, or a shard's share of actions and rate. */
  planned: { actions: number; durationMs: number; ratePerSec: number | null };
  /** Actions fired; the stage's measured duration; actions ÷ the span over which they went out (null: not a paced stage). */
  achieved: { actions: number; durationMs: number; ratePerSec: number | null };
  /** How late against its plan the last action went out (the latest worker's); null when the stage fires none. */
  lastActionLateMs: number | null;
  /** Planned duration ÷ (planned duration + lastActionLateMs): achieved ÷ planned rate; null when not paced. */
  achievedRatio: number | null;
  /** achievedRatio < 0.95 with the last action more than 1 s late. */
  behindPlan: boolean;
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
  /** In a merged report: the shard this worker belonged to. */
  shard?: number;
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
  /** A stage ran more than 5% behind its plan (stages[].pace says which and by how much). */
  behindPlan?: boolean;
  /** In a merged report: every shard's own section (its process figures are that shard's alone). */
  shards?: ShardGenerator[];
}

/** One shard's generator section, as that shard reported it. */
export interface ShardGenerator extends Omit<GeneratorSection, 'shards'> {
  shard: number;
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
  /**
   * The harness watching itself. In a merged report: saturated if any shard was, reasons prefixed
   * with their shard, process figures summed over the shards, and each shard's own in `shards`.
   */
  generator?: GeneratorSection;
  /** Set on a report that is one shard of a larger run. */
  shard?: ShardId;
  /** Set by `merge`. */
  shards?: ShardsInfo;
  /** Set when the scenario searches for capacity (`capacity:`): the last connect rate that held. */
  capacity?: CapacitySection;
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
