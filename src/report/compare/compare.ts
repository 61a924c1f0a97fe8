/**
 * Comparing runs (or the groups of one run) metric by metric. The first column is the baseline;
 * every other column gets its delta (value − baseline) and ratio (value ÷ baseline), and a
 * judgement: within the noise band, better or worse. Rows carry names people read, a unit and a
 * group (latency, throughput, errors, cost). Pure: the verdict in words is compare-verdict.ts.
 */
import { groupColumns, type CompareColumn } from '../render/group-columns.js';
import { histogramLabel } from '../render/labels.js';
import type { RunResult } from '../model/run-result.js';

export type CompareUnit = 'us' | 'count' | 'per_sec' | 'bytes';
export type CompareGroup = 'latency' | 'throughput' | 'errors' | 'cost';
export const COMPARE_GROUPS: readonly CompareGroup[] = ['latency', 'throughput', 'errors', 'cost'];
/** Which way is better; `neither` for figures that only describe (devices, tokens signed). */
export type Better = 'lower' | 'higher' | 'neither';
/** Per column against the baseline: `same` within the noise band. */
export type Judgement = 'baseline' | 'missing' | 'same' | 'better' | 'worse' | 'changed';

export interface CompareRow {
  /** A stable machine name: `connectUs.p99`, `counters.acked`, `connectBytes.perConnect`, `errors.ack-timeout`. */
  metric: string;
  /** The name people read: `connect → CONNACK p99`. */
  label: string;
  unit: CompareUnit;
  group: CompareGroup;
  better: Better;
  /** Shown by default; `--all` shows the rest too (means, counts, p90, max). */
  headline: boolean;
  values: (number | null)[];
  /** Per column; the baseline's own is always null. */
  deltas: (number | null)[];
  ratios: (number | null)[];
  judgements: Judgement[];
}

export interface Comparison {
  labels: string[];
  /** The noise band: a change of at most this fraction (0.1 = ±10%) is no change. */
  noise: number;
  rows: CompareRow[];
  /** Per column: why its figures may mislead (a saturated generator). */
  caveats: string[][];
}

export interface CompareOptions {
  /** Default 0.1: ±10%. */
  noise?: number;
}

export const DEFAULT_NOISE = 0.1;
/** Latency differences below this are noise whatever their ratio (HdrHistogram's 3 digits, timer jitter). */
const LATENCY_FLOOR_US = 20;

const STATS = [
  ['p50', 'p50', true],
  ['p90', 'p90', false],
  ['p99', 'p99', true],
  ['p999', 'p99.9', true],
  ['max', 'max', false],
  ['mean', 'mean', false],
  ['count', 'count', false],
] as const;

/** Histograms in display order, with their group; the rest follow as latency. */
const HISTOGRAMS: readonly (readonly [string, CompareGroup])[] = [
  ['connectUs', 'latency'],
  ['publishAckUs', 'latency'],
  ['publishAckUncorrectedUs', 'latency'],
  ['uplinkUs', 'latency'],
  ['downlinkUs', 'latency'],
  ['reconnectUs', 'latency'],
  ['refreshUs', 'latency'],
  ['reauthUs', 'latency'],
  ['connectDoneUs', 'throughput'],
  ['sendLagUs', 'cost'],
  ['signUs', 'cost'],
  ['brokerVerifyUs', 'cost'],
  ['eventLoopDelayUs', 'cost'],
];

/** Counters worth a row: name, label, group, better, headline. Raw byte totals become per-connect rows instead. */
const COUNTERS: readonly (readonly [string, string, CompareGroup, Better, boolean])[] = [
  ['devices', 'devices', 'throughput', 'neither', false],
  ['connected', 'devices connected', 'throughput', 'higher', true],
  ['published', 'messages published', 'throughput', 'neither', true],
  ['acked', 'messages acked', 'throughput', 'higher', true],
  ['received', 'messages received', 'throughput', 'higher', true],
  ['reconnects', 'reconnects', 'throughput', 'neither', true],
  ['refreshes', 'token refreshes by reconnect', 'throughput', 'neither', true],
  ['reauths', 'token refreshes by re-authentication (AUTH)', 'throughput', 'neither', true],
  ['resubscribed', 'subscriptions made again', 'cost', 'lower', true],
  ['reauthFallbacks', 'devices fallen back from reauth to reconnect', 'errors', 'lower', true],
  ['connectFailed', 'connects failed', 'errors', 'lower', true],
  ['missedSlots', 'publish slots missed (generator)', 'errors', 'lower', true],
  ['reconnectGaveUp', 'devices that gave up reconnecting', 'errors', 'lower', true],
  ['tokensSigned', 'tokens signed', 'cost', 'neither', false],
  ['keysGenerated', 'keys generated', 'cost', 'neither', false],
];

export function compareRuns(inputs: readonly { label: string; result: RunResult }[], options: CompareOptions = {}): Comparison {
  return compareColumns(
    inputs.map(({ label, result }) => runColumn(label, result)),
    options,
  );
}

/** One run as a column: its totals, and a caveat when its generator was saturated. */
export function runColumn(label: string, result: Pick<RunResult, 'total' | 'durationMs' | 'generator'>): CompareColumn {
  const caveats = result.generator?.saturated === true ? [`the generator was saturated in ${label}, so its latencies overstate the broker's`] : [];
  return { label, section: result.total, durationMs: result.durationMs, caveats };
}

/** The groups of one run side by side (RSA against EC, say), in the scenario's order, each with its broker verify cost. */
export function compareGroups(result: RunResult, options: CompareOptions = {}): Comparison {
  return compareColumns(groupComparisonColumns(result), options);
}

/** The groups of one run as columns, each carrying the run's caveat when its generator was saturated. */
export function groupComparisonColumns(result: RunResult): CompareColumn[] {
  const caveats = result.generator?.saturated === true ? ["the generator was saturated in this run, so its latencies overstate the broker's"] : [];
  return groupColumns(result).map((c) => ({ ...c, caveats }));
}

export function compareColumns(columns: readonly CompareColumn[], options: CompareOptions = {}): Comparison {
  const noise = options.noise ?? DEFAULT_NOISE;
  const rows: CompareRow[] = [];
  const add = (row: Omit<CompareRow, 'deltas' | 'ratios' | 'judgements'>): void => {
    if (!row.values.some((v) => v !== null && v !== 0)) return;
    const { deltas, ratios } = differences(row.values);
    rows.push({ ...row, deltas, ratios, judgements: judge(row, deltas, ratios, noise) });
  };
  for (const [name, group] of histogramsOf(columns)) {
    for (const [stat, statLabel, headline] of STATS) {
      const unit = stat === 'count' ? 'count' : 'us';
      const values = columns.map((c) => c.section.histograms[name]?.summary[stat] ?? null);
      const better = stat === 'count' ? 'neither' : 'lower';
      add({ metric: `${name}.${stat}`, label: `${histogramLabel(name)} ${statLabel}`, unit, group, better, headline, values });
    }
  }
  for (const [name, label, group, better, headline] of COUNTERS) {
    if (!columns.some((c) => c.section.counters[name] !== undefined)) continue;
    add({ metric: `counters.${name}`, label, unit: 'count', group, better, headline, values: columns.map((c) => c.section.counters[name] ?? 0) });
  }
  addPerConnectRows(columns, add);
  for (const [field, prefix, what] of [
    ['connectFailures', 'connectFailures', 'connect failed'],
    ['errors', 'errors', 'error'],
  ] as const) {
    const names = [...new Set(columns.flatMap((c) => Object.keys(c.section[field])))].sort();
    for (const name of names) {
      add({
        metric: `${prefix}.${name}`,
        label: `${what}: ${name}`,
        unit: 'count',
        group: 'errors',
        better: 'lower',
        headline: true,
        values: columns.map((c) => c.section[field][name] ?? 0),
      });
    }
  }
  const order = (r: CompareRow): number => COMPARE_GROUPS.indexOf(r.group);
  rows.sort((a, b) => order(a) - order(b));
  return { labels: columns.map((c) => c.label), noise, rows, caveats: columns.map((c) => c.caveats ?? []) };
}

/**
 * What one connect costs on the wire, the token inside it, and the rate each column got its
 * devices in: connected devices ÷ the time from their connect stage's start to the last CONNACK.
 */
function addPerConnectRows(columns: readonly CompareColumn[], add: (row: Omit<CompareRow, 'deltas' | 'ratios' | 'judgements'>) => void): void {
  const per = (c: CompareColumn, name: string, by: string): number | null => {
    const n = c.section.counters[by] ?? 0;
    const v = c.section.counters[name];
    return n > 0 && v !== undefined ? v / n : null;
  };
  add({
    metric: 'connect.rate',
    label: 'connects per second achieved',
    unit: 'per_sec',
    group: 'throughput',
    better: 'higher',
    headline: true,
    values: columns.map((c) => {
      const done = c.section.histograms['connectDoneUs']?.summary;
      return done === undefined || done.max <= 0 ? null : (done.count * 1_000_000) / done.max;
    }),
  });
  add({
    metric: 'tokenBytes.perToken',
    label: 'token size (bytes)',
    unit: 'bytes',
    group: 'cost',
    better: 'lower',
    headline: true,
    values: columns.map((c) => per(c, 'presignedTokenBytes', 'devices')),
  });
  add({
    metric: 'connectBytes.perConnect',
    label: 'CONNECT size (bytes)',
    unit: 'bytes',
    group: 'cost',
    better: 'lower',
    headline: true,
    values: columns.map((c) => per(c, 'connectBytes', 'connectAttempts')),
  });
  add({
    metric: 'refreshBytes.perRefresh',
    label: 'MQTT bytes per token refresh (both ways)',
    unit: 'bytes',
    group: 'cost',
    better: 'lower',
    headline: true,
    values: columns.map((c) => {
      const n = (c.section.counters['refreshes'] ?? 0) + (c.section.counters['reauths'] ?? 0);
      const bytes = c.section.counters['refreshBytes'];
      return n > 0 && bytes !== undefined ? bytes / n : null;
    }),
  });
  add({
    metric: 'connackBytes.perConnect',
    label: 'CONNACK size (bytes)',
    unit: 'bytes',
    group: 'cost',
    better: 'neither',
    headline: false,
    values: columns.map((c) => per(c, 'connackBytes', 'connectAttempts')),
  });
}

/** Deltas and ratios against the first value; null where either side is missing (or ÷ 0). */
export function differences(values: readonly (number | null)[]): Pick<CompareRow, 'deltas' | 'ratios'> {
  const base = values[0] ?? null;
  const deltas = values.map((v, i) => (i === 0 || v === null || base === null ? null : v - base));
  const ratios = values.map((v, i) => (i === 0 || v === null || base === null || base === 0 ? null : v / base));
  return { deltas, ratios };
}

/** Whether a change is beyond the noise band (counts: any change). */
export function isBeyondNoise(row: Pick<CompareRow, 'unit'>, delta: number, ratio: number | null, noise: number): boolean {
  if (delta === 0) return false;
  // Counts are exact, not measurements: 200 fewer acks is 200 messages lost, whatever the band.
  if (row.unit === 'count') return true;
  if (row.unit === 'us' && Math.abs(delta) < LATENCY_FLOOR_US) return false;
  // From zero (no errors before, some now) any change is beyond noise.
  return ratio === null || Math.abs(ratio - 1) > noise;
}

function judge(row: Pick<CompareRow, 'unit' | 'better'>, deltas: readonly (number | null)[], ratios: readonly (number | null)[], noise: number): Judgement[] {
  return deltas.map((delta, i) => {
    if (i === 0) return 'baseline';
    if (delta === null) return 'missing';
    if (!isBeyondNoise(row, delta, ratios[i] ?? null, noise)) return 'same';
    if (row.better === 'neither') return 'changed';
    return delta < 0 === (row.better === 'lower') ? 'better' : 'worse';
  });
}

function histogramsOf(columns: readonly CompareColumn[]): (readonly [string, CompareGroup])[] {
  const names = new Set(columns.flatMap((c) => Object.keys(c.section.histograms)));
  const known = HISTOGRAMS.filter(([n]) => names.has(n));
  const rest = [...names].filter((n) => !HISTOGRAMS.some(([k]) => k === n)).sort();
  return [...known, ...rest.map((n) => [n, 'latency'] as const)];
}
