/**
 * Comparing runs (or the groups of one run) metric by metric. The first column is the baseline;
 * every other column gets its delta (value − baseline) and ratio (value ÷ baseline). Pure.
 */
import type { MetricsSection, RunResult } from './run-result.js';

export type CompareUnit = 'us' | 'count' | 'per_sec' | 'ms';

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
const HISTOGRAM_ORDER = ['signUs', 'connectUs', 'publishAckUs', 'publishAckUncorrectedUs', 'sendLagUs', 'eventLoopDelayUs'];

export function compareRuns(inputs: readonly { label: string; result: RunResult }[]): Comparison {
  return compareColumns(inputs.map(({ label, result }) => ({ label, section: result.total, durationMs: result.durationMs })));
}

/** The groups of one run side by side (RSA against EC, say), in the scenario's order. */
export function compareGroups(result: RunResult): Comparison {
  return compareColumns(Object.entries(result.groups).map(([label, section]) => ({ label, section, durationMs: result.durationMs })));
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
  for (const [kind, field] of [['connectFailures', 'connectFailures'], ['errors', 'errors']] as const) {
    const names = [...new Set(columns.flatMap((c) => Object.keys(c.section[field])))].sort();
    for (const name of names) add(`${kind}.${name}`, 'count', columns.map((c) => c.section[field][name] ?? 0));
  }
  return { labels: columns.map((c) => c.label), rows };
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
