/**
 * The RunResult: one versioned JSON document holds everything a run measured. Every other
 * format (console, html, csv) is rendered from it, and can be rendered again later.
 */
import { CONNECT_FAILED_PREFIX, ERRORS_PREFIX } from '../../metrics/metric-names.js';
import { summarizeHistogram } from '../../metrics/histogram.js';
import { MetricsTotals, type MetricsSnapshot } from '../../metrics/snapshot.js';
import type { z } from 'zod';
import type {
  brokerSectionSchema,
  capacitySectionSchema,
  capacityStepSchema,
  caveatKindSchema,
  caveatSchema,
  clockSectionSchema,
  workerClockSchema,
  environmentSchema,
  generatorProcessSchema,
  generatorSectionSchema,
  shardGeneratorSchema,
  stagePaceSchema,
  generatorWorkerSchema,
  histogramReportSchema,
  metricsSectionSchema,
  planShareSchema,
  runResultSchema,
  runStatusSchema,
  shardIdSchema,
  shardsInfoSchema,
  stageRecordSchema,
  subscriptionLossSchema,
  thresholdOutcomeSchema,
  timelinePointSchema,
} from './run-result-schema.js';

export { SCHEMA_VERSION } from './run-result-schema.js';

// Every shape of the report, inferred from its one definition in run-result-schema.ts.
export type RunResult = z.infer<typeof runResultSchema>;
export type RunStatus = z.infer<typeof runStatusSchema>;
export type HistogramReport = z.infer<typeof histogramReportSchema>;
export type MetricsSection = z.infer<typeof metricsSectionSchema>;
export type TimelinePoint = z.infer<typeof timelinePointSchema>;

/** A second in which nothing was counted yet, gauges at zero. */
export function emptyTimelinePoint(second: number): TimelinePoint {
  return { second, connects: 0, connectFailures: 0, published: 0, acked: 0, errors: 0, connected: 0, inFlight: 0, publishAckP50Us: 0, publishAckP99Us: 0 };
}
export type StageRecord = z.infer<typeof stageRecordSchema>;
export type ThresholdOutcome = z.infer<typeof thresholdOutcomeSchema>;
export type ShardId = z.infer<typeof shardIdSchema>;
export type ShardsInfo = z.infer<typeof shardsInfoSchema>;
export type GeneratorWorker = z.infer<typeof generatorWorkerSchema>;
export type GeneratorProcess = z.infer<typeof generatorProcessSchema>;
export type GeneratorSection = z.infer<typeof generatorSectionSchema>;
export type ShardGenerator = z.infer<typeof shardGeneratorSchema>;
export type StagePace = z.infer<typeof stagePaceSchema>;
export type EnvironmentInfo = z.infer<typeof environmentSchema>;
export type BrokerSection = z.infer<typeof brokerSectionSchema>;
export type CapacityStep = z.infer<typeof capacityStepSchema>;
export type CapacitySection = z.infer<typeof capacitySectionSchema>;
export type PlanShare = z.infer<typeof planShareSchema>;
export type CaveatKind = z.infer<typeof caveatKindSchema>;
export type Caveat = z.infer<typeof caveatSchema>;
export type SubscriptionLoss = z.infer<typeof subscriptionLossSchema>;
export type ClockSection = z.infer<typeof clockSectionSchema>;
export type WorkerClockReport = z.infer<typeof workerClockSchema>;

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
    histograms[name] = { summary: summarizeHistogram(histogram), encoded: snapshot.histograms[name] ?? '' };
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
