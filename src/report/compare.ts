/**
 * Comparing runs (or the groups of one run) metric by metric. The first column is the baseline;
 * every other column gets its delta (value − baseline) and ratio (value ÷ baseline). Pure.
 */
import { groupColumns } from './group-columns.js';
import type { MetricsSection, RunResult } from './run-result.js';

export type CompareUnit = 'us' | 'count' | 'per_sec' | 'ms' | 'bytes';

export interface CompareRow {
  /** `connectUs.p99`, `counters.acked`, `acked.rate`, `durationMs`. */
  metric: string;
  unit: CompareUnit;
  values: (number | null)[];
  /** Per column; the baseline's own is always null. */
  deltas: (number | null)[];
  ratios: (number | null)[];
}

export interface Comparison {
  labels: string[];
  rows: CompareRow[];
}

export interface CompareColumn {
  label: string;
  section: MetricsSection;
  durationMs: number;
}

const STATS = ['count', 'mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const;
const HISTOGRAM_ORDER = ['signUs', 'brokerVerifyUs', 'connectUs', 'connectDoneUs', 'publishAckUs', 'publishAckUncorrectedUs', 'sendLagUs', 'eventLoopDelayUs'];

export function compareRuns(inputs: readonly { label: string; result: RunResult }[]): Comparison {
  return compareColumns(inputs.map(({ label, result }) => ({ label, section: result.total, durationMs: result.durationMs })));
}

/** The groups of one run side by side (RSA against EC, say), in the scenario's order, each with its broker verify cost. */
export function compareGroups(result: RunResult): Comparison {
  return compareColumns(groupColumns(result));
}

export function compareColumns(columns: readonly CompareColumn[]): Comparison {
  const rows: CompareRow[] = [];
  const add = (metric: string, unit: CompareUnit, values: (number | null)[]): void => {
    rows.push({ metric, unit, values, ...differences(values) });
  };
  add('durationMs', 'ms', columns.map((c) => c.durationMs));
  for (const name of histogramNames(columns)) {
    for (const stat of STATS) {
      add(`${name}.${stat}`, stat === 'count' ? 'count' : 'us', columns.map((c) => c.section.histograms[name]?.summary[stat] ?? null));
    }
  }
  const counters = [...new Set(columns.flatMap((c) => Object.keys(c.section.counters)))].sort();
  for (const name of counters) add(`counters.${name}`, 'count', columns.map((c) => c.section.counters[name] ?? 0));
  for (const name of ['connected', 'acked']) {
    if (!counters.includes(name)) continue;
    add(`${name}.rate`, 'per_sec', columns.map((c) => (c.durationMs > 0 ? ((c.section.counters[name] ?? 0) * 1000) / c.durationMs : null)));
  }
  addConnectRows(columns, add);
  for (const [kind, field] of [['connectFailures', 'connectFailures'], ['errors', 'errors']] as const) {
    const names = [...new Set(columns.flatMap((c) => Object.keys(c.section[field])))].sort();
    for (const name of names) add(`${kind}.${name}`, 'count', columns.map((c) => c.section[field][name] ?? 0));
  }
  return { labels: columns.map((c) => c.label), rows };
}

/**
 * What one connect costs on the wire, and the rate each column got its devices in: connected
 * devices ÷ the time from their connect stage's start to the last CONNACK (connectDoneUs.max).
 */
function addConnectRows(columns: readonly CompareColumn[], add: (metric: string, unit: CompareUnit, values: (number | null)[]) => void): void {
  const perConnect = (c: CompareColumn, name: string): number | null => {
    const attempts = c.section.counters['connectAttempts'] ?? 0;
    return attempts > 0 && c.section.counters[name] !== undefined ? c.section.counters[name] / attempts : null;
  };
  if (columns.some((c) => c.section.counters['connectBytes'] !== undefined)) {
    add('connectBytes.perConnect', 'bytes', columns.map((c) => perConnect(c, 'connectBytes')));
    add('connackBytes.perConnect', 'bytes', columns.map((c) => perConnect(c, 'connackBytes')));
  }
  if (columns.some((c) => c.section.histograms['connectDoneUs'] !== undefined)) {
    add('connect.rate', 'per_sec', columns.map((c) => {
      const done = c.section.histograms['connectDoneUs']?.summary;
      return done === undefined || done.max <= 0 ? null : (done.count * 1_000_000) / done.max;
    }));
  }
}

/** Deltas and ratios against the first value; null where either side is missing (or ÷ 0). */
export function differences(values: readonly (number | null)[]): Pick<CompareRow, 'deltas' | 'ratios'> {
  const base = values[0] ?? null;
  const deltas = values.map((v, i) => (i === 0 || v === null || base === null ? null : v - base));
  const ratios = values.map((v, i) => (i === 0 || v === null || base === null || base === 0 ? null : v / base));
  return { deltas, ratios };
}

function histogramNames(columns: readonly CompareColumn[]): string[] {
  const names = new Set(columns.flatMap((c) => Object.keys(c.section.histograms)));
  const known = HISTOGRAM_ORDER.filter((n) => names.has(n));
  return [...known, ...[...names].filter((n) => !HISTOGRAM_ORDER.includes(n)).sort()];
}
