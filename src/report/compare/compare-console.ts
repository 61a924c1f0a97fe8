/**
 * A comparison for the terminal: the verdict paragraph, then the rows in four groups (latency,
 * throughput, errors, cost), regressions first in each; changes within the noise band grey,
 * worse red, better green. Returns a string; colour only when the caller passes a Paint.
 */
import { COMPARE_GROUPS, type CompareRow, type Comparison, type Judgement } from './compare.js';
import { groupsVerdict, runsVerdict } from './compare-verdict.js';
import { NO_PAINT, type Paint } from '../render/paint.js';
import { columnsOf, formatTable } from '../render/table.js';

export interface ComparisonFormat {
  /** Every row, in-band and minor statistics too (means, counts, p90, max). */
  all?: boolean;
  /** The groups of one run (the verdict reads as a finding, not as before/after). */
  groups?: boolean;
  paint?: Paint;
  /** Wrap the verdict at this many columns. */
  width?: number;
}

const RANK: Record<Judgement, number> = { worse: 0, better: 1, changed: 2, missing: 3, same: 4, baseline: 5 };

export function formatComparison(comparison: Comparison, format: ComparisonFormat = {}): string {
  const paint = format.paint ?? NO_PAINT;
  const verdict = format.groups === true ? groupsVerdict(comparison) : runsVerdict(comparison);
  const out = [wrap(verdict, format.width ?? 100)];
  const shown = shownRows(comparison, format.all === true);
  for (const group of COMPARE_GROUPS) {
    const rows = shown.filter((r) => r.group === group);
    if (rows.length === 0) continue;
    const header = [group, comparison.labels[0] ?? ''];
    for (const label of comparison.labels.slice(1)) header.push(label, 'Δ', '×');
    const cells = rows.map((row) => {
      const line = [row.label, formatValue(row.values[0] ?? null, row)];
      for (let i = 1; i < comparison.labels.length; i++)
        line.push(formatValue(row.values[i] ?? null, row), formatDelta(row.deltas[i] ?? null, row), formatRatio(row.ratios[i] ?? null));
      return line;
    });
    const style = (line: string, index: number): string => {
      const row = rows[index - 1];
      return row === undefined ? paint.bold(line) : colour(paint, worst(row))(line);
    };
    out.push('', formatTable([header, ...cells], style));
  }
  const hidden = comparison.rows.length - shown.length;
  const legend = `latencies in ms · Δ = column − ${comparison.labels[0] ?? 'first'}, × = column ÷ it · within ±${Math.round(comparison.noise * 100)}% is noise (grey)`;
  out.push('', legend + (hidden > 0 ? ` · ${hidden} more rows within noise or minor: --all` : ''));
  return out.join('\n');
}

/** Headline rows (with --all every row); a minor row shows when it moved beyond noise. Regressions first in each group. */
export function shownRows(comparison: Comparison, all: boolean): CompareRow[] {
  const rows = comparison.rows.filter((r) => all || r.headline || r.judgements.some((j) => j === 'worse' || j === 'better'));
  // A histogram's statistics stay together, ranked by the worst of them.
  const family = (row: CompareRow): string => row.metric.split('.')[0] ?? row.metric;
  const rank = new Map<string, number>();
  for (const row of rows) rank.set(family(row), Math.min(rank.get(family(row)) ?? Infinity, RANK[worst(row)]));
  const first = new Map<string, number>();
  rows.forEach((row, index) => first.set(family(row), first.get(family(row)) ?? index));
  const key = (row: CompareRow, index: number): number[] => {
    const f = row.metric.startsWith('counters.') || row.metric.includes('Bytes.') || row.metric.includes('.rate') ? row.metric : family(row);
    return [COMPARE_GROUPS.indexOf(row.group), rank.get(f) ?? RANK[worst(row)], first.get(f) ?? index, index];
  };
  return rows
    .map((row, index) => ({ row, key: key(row, index) }))
    .sort((a, b) => a.key.reduce((d, v, i) => d || v - (b.key[i] ?? 0), 0))
    .map(({ row }) => row);
}

/** The judgement that matters most across the columns: any worse, else any better, …. */
export function worst(row: CompareRow): Judgement {
  return [...row.judgements].sort((a, b) => RANK[a] - RANK[b])[0] ?? 'baseline';
}

function colour(paint: Paint, judgement: Judgement): (text: string) => string {
  if (judgement === 'worse') return (text) => paint.red(text);
  if (judgement === 'better') return (text) => paint.green(text);
  if (judgement === 'same' || judgement === 'baseline') return (text) => paint.grey(text);
  return (text) => text;
}

export function formatValue(value: number | null, row: Pick<CompareRow, 'unit'>): string {
  if (value === null) return '—';
  if (row.unit === 'us') return trim(value / 1000);
  if (row.unit === 'per_sec') return value.toFixed(1);
  return String(Math.round(value));
}

export function formatDelta(delta: number | null, row: Pick<CompareRow, 'unit'>): string {
  if (delta === null) return '—';
  const text = formatValue(Math.abs(delta), row);
  return delta > 0 ? `+${text}` : delta < 0 ? `−${text}` : '0';
}

export function formatRatio(ratio: number | null): string {
  return ratio === null ? '—' : `${ratio.toFixed(2)}×`;
}

function trim(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/** Words onto lines of at most `width` columns. */
export function wrap(text: string, width: number): string {
  return text
    .split('\n')
    .map((paragraph) => {
      const lines: string[] = [];
      let line = '';
      for (const word of paragraph.split(' ')) {
        if (line !== '' && columnsOf(line) + 1 + columnsOf(word) > width) {
          lines.push(line);
          line = word;
        } else line = line === '' ? word : `${line} ${word}`;
      }
      lines.push(line);
      return lines.join('\n');
    })
    .join('\n');
}
