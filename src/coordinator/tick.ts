/** The once-a-second progress figures, from the run's totals so far. Pure: the coordinator calls it. */
import { CONNECT_FAILED_PREFIX, ERRORS_PREFIX, METRIC } from '../metrics/metric-names.js';
import type { MetricsTotals } from '../metrics/snapshot.js';
import type { ProgressTick } from './progress.js';

export interface TickInput {
  nowMs: number;
  startedMs: number;
  total: MetricsTotals;
  /** Totals' counters a second ago, for per-second rates. */
  previous: Readonly<Record<string, number>>;
  connected: number;
  targetConnected: number;
  stage: { index: number; type: string; startedMs: number } | undefined;
  stageCount: number;
  /** Planned duration of each stage (ms). */
  stageDurationsMs: readonly number[];
}

export function buildTick(input: TickInput): ProgressTick {
  const { total, previous } = input;
  const errorsByReason: Record<string, number> = {};
  for (const [name, value] of Object.entries(total.counters)) {
    if (name.startsWith(ERRORS_PREFIX) || name.startsWith(CONNECT_FAILED_PREFIX)) errorsByReason[name.slice(name.indexOf('.') + 1)] = value;
  }
  const ack = total.histogram(METRIC.publishAckUs);
  return {
    elapsedMs: input.nowMs - input.startedMs,
    stageIndex: input.stage?.index ?? -1,
    stageType: input.stage?.type ?? 'preparing',
    stageCount: input.stageCount,
    connected: input.connected,
    targetConnected: input.targetConnected,
    published: total.counter(METRIC.published),
    acked: total.counter(METRIC.acked),
    publishedPerSec: total.counter(METRIC.published) - (previous[METRIC.published] ?? 0),
    ackedPerSec: total.counter(METRIC.acked) - (previous[METRIC.acked] ?? 0),
    errors: Object.values(errorsByReason).reduce((a, b) => a + b, 0),
    errorsByReason,
    publishAckP50Us: ack.totalCount > 0 ? ack.getValueAtPercentile(50) : null,
    publishAckP99Us: ack.totalCount > 0 ? ack.getValueAtPercentile(99) : null,
    etaMs: eta(input),
  };
}

function eta(input: TickInput): number | null {
  if (input.stage === undefined) return null;
  const current = input.stageDurationsMs[input.stage.index] ?? 0;
  const inStage = Math.max(0, current - (input.nowMs - input.stage.startedMs));
  return inStage + input.stageDurationsMs.slice(input.stage.index + 1).reduce((a, b) => a + b, 0);
}
