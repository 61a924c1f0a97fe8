/**
 * What differs between the plans of the runs compared, said before any figure (issue 24, item 7):
 * the algorithms, devices, rates, QoS, broker, engine, MQTT version and harness version. Also
 * names the columns when no `--label` is given: the scenario name plus the differing field, not
 * two timestamps. Pure.
 */
import type { RunResult } from '../model/run-result.js';

type Compared = Pick<RunResult, 'scenario' | 'broker' | 'environment'>;

interface Field {
  name: string;
  of: (r: Compared) => string;
}

const rates = (r: Compared, type: 'connect' | 'publish'): string =>
  r.scenario.plan.stages
    .flatMap((s) => {
      if (s.type === 'connect' && type === 'connect') return [s.ratePerSec === null ? 'at once' : `${round(s.ratePerSec)}/s`];
      if (s.type === 'publish' && type === 'publish') return [`${round(s.ratePerDevicePerSec)}/s per device × ${s.countPerDevice}`];
      return [];
    })
    .join(', ') || 'none';

const FIELDS: readonly Field[] = [
  { name: 'scenario', of: (r) => r.scenario.name },
  { name: 'alg', of: (r) => [...new Set(r.scenario.plan.groups.map((g) => g.alg))].join('+') },
  { name: 'devices', of: (r) => String(r.scenario.plan.groups.reduce((n, g) => n + g.count, 0)) },
  { name: 'connect rate', of: (r) => rates(r, 'connect') },
  { name: 'publish rate', of: (r) => rates(r, 'publish') },
  { name: 'qos', of: (r) => [...new Set(r.scenario.plan.stages.flatMap((s) => (s.type === 'publish' ? [String(s.qos)] : [])))].join('+') || 'none' },
  { name: 'broker', of: (r) => (r.broker.kind === 'embedded' ? 'embedded' : r.broker.url) },
  { name: 'engine', of: (r) => r.scenario.plan.mqtt.engine },
  { name: 'mqtt', of: (r) => (r.scenario.plan.mqtt.protocolVersion === 5 ? '5' : '3.1.1') },
  { name: 'workers', of: (r) => String(r.scenario.plan.workers) },
  { name: 'version', of: (r) => r.environment.harnessVersion },
];

export interface PlanDifference {
  field: string;
  values: string[];
}

/** Every field whose value is not the same in all runs. */
export function planDifferences(results: readonly Compared[]): PlanDifference[] {
  return FIELDS.flatMap((f) => {
    const values = results.map((r) => f.of(r));
    return new Set(values).size > 1 ? [{ field: f.name, values }] : [];
  });
}

/** One line for the top of `compare`: `plans differ in alg (ES256 → RS256), devices (100 → 200)`. */
export function planDifferencesLine(differences: readonly PlanDifference[]): string {
  if (differences.length === 0) return 'plans: the same scenario, devices, rates, broker and versions; only the runs differ';
  return `plans differ in ${differences.map((d) => `${d.field} (${d.values.join(' → ')})`).join(', ')}`;
}

/**
 * Column labels: the scenario name with the first differing field (`quick alg=RS256`), unique;
 * undefined when the plans do not differ (the caller falls back to file names).
 */
export function labelsFromPlans(results: readonly Compared[]): string[] | undefined {
  const differences = planDifferences(results).filter((d) => d.field !== 'scenario');
  const first = differences[0];
  const names = results.map((r) => r.scenario.name);
  const sameName = new Set(names).size === 1;
  if (first === undefined) return sameName ? undefined : unique(names);
  const labels = results.map((r, i) => `${r.scenario.name} ${first.field.replace(/ /g, '-')}=${first.values[i] ?? ''}`);
  return unique(labels);
}

function unique(labels: string[]): string[] | undefined {
  return new Set(labels).size === labels.length ? labels : undefined;
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, '');
}
