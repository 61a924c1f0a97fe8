/**
 * A measurement the plan asked for and never got is not a clean run (issue 24, item 4): a
 * subscribe stage measuring uplink with a publish stage after it, or measuring downlink with a
 * downlink stage after it, must record latencies in its groups. When none came (a refused
 * subscription, SUBACK 0x80; a filter that matches nothing), a complete run becomes `failed`
 * (exit 4) with the measurement and the errors that explain it. Refusal tests (`expect:
 * refusals`) are not held to it. Pure: the coordinator and `merge` both call it on a whole run.
 */
import type { RunResult } from '../model/run-result.js';

/** Every planned measurement that recorded nothing, in words; empty when all recorded something. */
export function emptyMeasurements(result: Pick<RunResult, 'scenario' | 'groups'>): string[] {
  const stages = result.scenario.plan.stages;
  return stages.flatMap((stage, i) => {
    if (stage.type !== 'subscribe') return [];
    const feeder = stage.measure === 'uplink' ? 'publish' : 'downlink';
    if (!stages.slice(i + 1).some((later) => later.type === feeder)) return [];
    const histogram = `${stage.measure}Us`;
    return stage.groups.flatMap((group) => {
      const section = result.groups[group];
      if ((section?.histograms[histogram]?.summary.count ?? 0) > 0) return [];
      const errors = Object.entries(section?.errors ?? {}).filter(([, n]) => n > 0);
      const why = errors.length === 0 ? '' : ` (errors in that group: ${errors.map(([k, n]) => `${k} ${n}`).join(', ')})`;
      return [`stage ${i + 1} (subscribe, group ${group}) was to measure ${stage.measure} latency and recorded none${why}`];
    });
  });
}

/** A complete whole run with an empty planned measurement becomes `failed` (exit 4), saying which. */
export function judgeMeasurements(result: RunResult): RunResult {
  if (result.status !== 'complete' || result.scenario.plan.expect === 'refusals') return result;
  const empty = emptyMeasurements(result);
  if (empty.length === 0) return result;
  const reason = `a planned measurement recorded nothing: ${empty.join('; ')}`;
  return { ...result, status: 'failed', statusReason: result.statusReason === undefined ? reason : `${reason}; ${result.statusReason}` };
}
