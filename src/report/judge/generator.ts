/**
 * Was the generator the bottleneck? When its event loops ran late, its sends lagged their plan,
 * or a worker's loop was busy nearly all the time, latencies describe the harness as much as the
 * broker, and the report says so. The bounds are documented in docs/report-format.md.
 */
import type { GeneratorSection, GeneratorProcess, GeneratorWorker, MetricsSection } from '../model/run-result.js';

export const SATURATION_BOUNDS = {
  /** p99 of the workers' event-loop delay. */
  eventLoopDelayP99Us: 20_000,
  /** p99 of how late sends went out against their plan. */
  sendLagP99Us: 20_000,
  /** A worker's event loop busy this share of a stage's time, on average. */
  eventLoopUtilization: 0.9,
  /**
   * Fewer event-loop delay samples than this (about 5 s of two workers' loops) and a handful of
   * start-up pauses (the first connects, code compiled on first use, a stop) decide the p99: such a
   * short run's delays count only when its own work kept a loop busy at least `shortRunBusy` of
   * the time (a loop blocked by the harness yields few samples, so it is not let off).
   */
  minEventLoopSamples: 1000,
  shortRunBusy: 0.5,
} as const;

/** `judge` false (the scenario's judgeGenerator: false): the figures only, marked `judged: false`. */
export function assessGenerator(total: MetricsSection, workers: GeneratorWorker[], process: GeneratorProcess, judge = true): GeneratorSection {
  if (!judge) return { saturated: false, reasons: [], workers, process, judged: false };
  const reasons: string[] = [];
  const delay = total.histograms['eventLoopDelayUs']?.summary;
  const busiest = Math.max(0, ...workers.map((w) => w.eventLoopUtilization));
  const delayCounts = delay !== undefined && (delay.count >= SATURATION_BOUNDS.minEventLoopSamples || busiest >= SATURATION_BOUNDS.shortRunBusy);
  if (delay !== undefined && delayCounts && delay.p99 > SATURATION_BOUNDS.eventLoopDelayP99Us) {
    reasons.push(`worker event loops ran late: p99 ${(delay.p99 / 1000).toFixed(1)} ms > ${SATURATION_BOUNDS.eventLoopDelayP99Us / 1000} ms`);
  }
  const lag = total.histograms['sendLagUs']?.summary;
  if (lag !== undefined && lag.count > 0 && lag.p99 > SATURATION_BOUNDS.sendLagP99Us) {
    reasons.push(`sends lagged their plan: p99 ${(lag.p99 / 1000).toFixed(1)} ms > ${SATURATION_BOUNDS.sendLagP99Us / 1000} ms`);
  }
  for (const worker of workers) {
    if (worker.eventLoopUtilization > SATURATION_BOUNDS.eventLoopUtilization) {
      reasons.push(`worker ${worker.index} was busy ${(worker.eventLoopUtilization * 100).toFixed(0)}% of the stages' time`);
    }
  }
  return { saturated: reasons.length > 0, reasons, workers, process };
}
