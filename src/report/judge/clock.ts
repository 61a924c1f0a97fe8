/**
 * Whether the latencies of a run of several shards can be trusted to the clocks' accuracy. A
 * latency between shards is as good as the offset between their clocks (src/worker/clock-probe.ts):
 * when the worst uncertainty is more than CLOCK_SHARE of an end-to-end p50, or a worker never got
 * an estimate, or messages arrived "before" they were sent, the report says so. Pure.
 */
import { METRIC } from '../../metrics/metric-names.js';
import type { Caveat, RunResult } from '../model/run-result.js';

/** An uncertainty above this share of a latency's p50 makes the figure doubtful. */
export const CLOCK_SHARE = 0.1;

const LATENCIES = [METRIC.uplinkUs, METRIC.downlinkUs] as const;

export function clockCaveat(result: Pick<RunResult, 'clock' | 'total'>): Caveat | undefined {
  const workers = result.clock?.workers ?? [];
  // Only end-to-end latencies (a sender and a receiver, maybe in different shards) depend on the clocks.
  const timed = LATENCIES.filter((name) => (result.total.histograms[name]?.summary.count ?? 0) > 0);
  if (workers.length === 0 || timed.length === 0) return undefined;
  const problems = [];
  const unknown = workers.filter((w) => w.offsetMs === null);
  if (unknown.length > 0) {
    const first = unknown[0];
    problems.push(
      `${unknown.length} worker${unknown.length === 1 ? '' : 's'} without a clock offset${first?.problem === undefined ? '' : ` (${first.problem})`}`,
    );
  }
  const worstMs = Math.max(0, ...workers.map((w) => w.uncertaintyMs ?? 0));
  for (const name of timed) {
    const p50Ms = (result.total.histograms[name]?.summary.p50 ?? 0) / 1000;
    if (worstMs > CLOCK_SHARE * p50Ms)
      problems.push(`clock uncertainty ±${worstMs.toFixed(2)} ms is over ${CLOCK_SHARE * 100}% of the ${name} p50 (${p50Ms.toFixed(2)} ms)`);
  }
  const negative = result.total.counters[METRIC.negativeLatency] ?? 0;
  if (negative > 0) problems.push(`${negative} message${negative === 1 ? '' : 's'} timed as arriving before it was sent`);
  if (problems.length === 0) return undefined;
  return { kind: 'clock-uncertain', label: 'cross-shard latency uncertain', message: `cross-shard latency uncertain: ${problems.join('; ')}` };
}
