/** A comparison as a console table: each column's value, then its delta and ratio to the first. */
import type { CompareRow, Comparison } from './compare.js';
import { formatTable } from './table.js';

export function formatComparison(comparison: Comparison): string {
  const header = ['metric', comparison.labels[0] ?? ''];
  for (const label of comparison.labels.slice(1)) header.push(label, 'Δ', '×');
  const rows = comparison.rows.filter(changedOrPresent).map((row) => {
    const cells = [row.metric, formatValue(row.values[0] ?? null, row)];
    for (let i = 1; i < comparison.labels.length; i++) {
      cells.push(formatValue(row.values[i] ?? null, row), formatDelta(row.deltas[i] ?? null, row), formatRatio(row.ratios[i] ?? null));
    }
    return cells;
  });
  const note = 'latencies in ms; Δ = column − first; × = column ÷ first';
  return `${formatTable([header, ...rows])}\n${note}`;
}

/** Rows where every column is null or zero say nothing; leave them out. */
function changedOrPresent(row: CompareRow): boolean {
  return row.values.some((v) => v !== null && v !== 0);
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
