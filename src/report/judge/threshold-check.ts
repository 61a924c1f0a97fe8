/**
 * Thresholds checked against the plan before anything connects: a typo in a metric or group
 * name, p() on a counter, or a latency the plan will never record is bad input (exit 2), not a
 * crossed threshold after an hour of soak.
 */
import { ConfigError } from '../../errors.js';
import { nearestName } from '../../scenario/did-you-mean.js';
import type { RunPlan } from '../../scenario/run-plan.js';
import type { Threshold } from '../../scenario/threshold.js';
import { thresholdMetrics } from './thresholds.js';

const ERROR_RATE_METRICS = ['connect', 'publish'];

/** What is wrong with one threshold for this plan, or undefined when it can be judged. */
export function thresholdProblem(t: Threshold, plan: Pick<RunPlan, 'stages' | 'groups'>): string | undefined {
  if (t.group !== null && !plan.groups.some((g) => g.name === t.group)) {
    const names = plan.groups.map((g) => g.name);
    return `no group named "${t.group}"${didYouMean(t.group, names)} (groups: ${names.join(', ')})`;
  }
  if (t.metric === null) return undefined;
  if (t.metric.startsWith('stage.')) return stageProblem(t.metric, plan);
  if (t.aggregate.kind === 'error_rate') {
    return ERROR_RATE_METRICS.includes(t.metric)
      ? undefined
      : `error_rate is defined for connect, publish and the whole run (error_rate<1%), not "${t.metric}"`;
  }
  const metrics = thresholdMetrics(plan);
  const name = t.metric.endsWith('Us') && metrics.get(t.metric.slice(0, -2))?.kind === 'histogram' ? t.metric.slice(0, -2) : t.metric;
  const metric = metrics.get(name);
  if (metric === undefined) return `no metric named "${t.metric}"${didYouMean(t.metric, [...metrics.keys()])}`;
  const latencyAggregate = t.aggregate.kind === 'percentile' || t.aggregate.kind === 'avg' || t.aggregate.kind === 'min' || t.aggregate.kind === 'max';
  if (metric.kind === 'counter' && latencyAggregate) {
    const aggregate = t.aggregate.kind === 'percentile' ? `p(${t.aggregate.percentile})` : t.aggregate.kind;
    return `${t.metric} is a counter, and ${aggregate} needs a latency histogram; use ${t.metric}.count or ${t.metric}.rate`;
  }
  if (metric.absentBecause !== undefined && latencyAggregate) return `${t.metric} will have no samples: ${metric.absentBecause}`;
  return undefined;
}

/**
 * Throws one ConfigError listing every threshold this plan cannot judge, each on its own line
 * with where it came from: the scenario file's `thresholds[i]`, `capacity.thresholds[i]`, or `--threshold`.
 */
export function assertThresholdsJudgeable(plan: Pick<RunPlan, 'stages' | 'groups' | 'thresholds' | 'capacity'>, cli: readonly Threshold[], file: string): void {
  const placed: [string, Threshold][] = [
    ...plan.thresholds.map((t, i): [string, Threshold] => [t.source === 'cli' ? '--threshold' : `${file}: thresholds[${i}]`, t]),
    ...(plan.capacity?.thresholds ?? []).map((t, i): [string, Threshold] => [`${file}: capacity.thresholds[${i}]`, t]),
    ...cli.map((t): [string, Threshold] => ['--threshold', t]),
  ];
  const problems = placed.flatMap(([where, t]) => {
    const problem = thresholdProblem(t, plan);
    return problem === undefined ? [] : [`${where} "${t.expression}": ${problem}`];
  });
  if (problems.length === 0) return;
  throw new ConfigError(problems.join('\n'), {
    hint: 'Thresholds name a metric of docs/report-format.md (connect, publishAck, acked, …); see "Thresholds" in docs/scenarios.md.',
  });
}

/** `stage.<type|number>.<figure>` must name a stage the plan has (numbers count from 1, as `validate` lists them). */
function stageProblem(metric: string, plan: Pick<RunPlan, 'stages'>): string | undefined {
  const which = metric.split('.')[1] ?? '';
  if (/^\d+$/.test(which)) {
    const number = Number(which);
    return number >= 1 && number <= plan.stages.length ? undefined : `no stage number ${which}: the plan has stages 1 to ${plan.stages.length}`;
  }
  const types = [...new Set(plan.stages.map((s) => s.type))];
  return types.includes(which as (typeof types)[number]) ? undefined : `no stage of type "${which}"${didYouMean(which, types)} (stages: ${types.join(', ')})`;
}

function didYouMean(name: string, allowed: readonly string[]): string {
  const near = nearestName(name, allowed);
  return near === undefined ? '' : `; did you mean "${near}"?`;
}
