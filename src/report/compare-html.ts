/** A comparison as one self-contained page: the table of every metric, and the spectra overlaid. */
import type { CompareColumn, CompareRow, Comparison } from './compare.js';
import { formatDelta, formatRatio, formatValue } from './compare-console.js';
import { percentileSeries } from './html-charts.js';
import { escapeHtml } from './html-escape.js';
import { htmlPage, htmlTable } from './html-page.js';
import { histogramLabel, orderedHistogramNames } from './labels.js';
import { renderChart, type ChartSpec } from './svg-chart.js';
import { ERRORS_PREFIX } from '../metrics/metric-names.js';

const PALETTE = ['#1565c0', '#c62828', '#2e7d32', '#6a1b9a', '#ef6c00', '#00838f'];

export function renderCompareHtml(title: string, comparison: Comparison, columns: readonly CompareColumn[]): string {
  const header = ['metric', escapeHtml(comparison.labels[0] ?? '')];
  for (const label of comparison.labels.slice(1)) header.push(escapeHtml(label), 'Δ', '×');
  const rows = comparison.rows.filter((r) => r.values.some((v) => v !== null && v !== 0)).map((row) => {
    const cells = [escapeHtml(row.metric), formatValue(row.values[0] ?? null, row)];
    for (let i = 1; i < comparison.labels.length; i++) {
      cells.push(formatValue(row.values[i] ?? null, row), formatDelta(row.deltas[i] ?? null, row), `<td class="${judge(row, i)}">${formatRatio(row.ratios[i] ?? null)}</td>`);
    }
    return cells;
  });
  const charts = overlayCharts(columns).map(renderChart).join('\n');
  const body = `<h1>${escapeHtml(title)}</h1>
<p class="sub">baseline: ${escapeHtml(comparison.labels[0] ?? '')} · latencies in ms · Δ = column − baseline · × = column ÷ baseline</p>
<h2>Latency by percentile</h2>\n<div class="charts">${charts}</div>
<h2>Every metric</h2>\n${htmlTable(header, rows, ' class="compare"')}`;
  return htmlPage(title, body);
}

/** Higher latency or more errors is worse; more acks per second is better. */
function judge(row: CompareRow, i: number): string {
  const ratio = row.ratios[i] ?? null;
  if (ratio === null || Math.abs(ratio - 1) < 0.05) return '';
  const higherIsWorse = row.unit === 'us' || row.metric.startsWith(ERRORS_PREFIX) || row.metric.startsWith('connectFailures.');
  const higherIsBetter = row.unit === 'per_sec';
  if (!higherIsWorse && !higherIsBetter) return '';
  return ratio > 1 === higherIsWorse ? 'worse' : 'better';
}

function overlayCharts(columns: readonly CompareColumn[]): ChartSpec[] {
  const names = orderedHistogramNames(columns.flatMap((c) => Object.keys(c.section.histograms)));
  return names.flatMap((name) => {
    const series = columns.flatMap((c, i) => {
      const h = c.section.histograms[name];
      return h === undefined || h.summary.count === 0 ? [] : [percentileSeries(c.label, h, PALETTE[i % PALETTE.length] as string)];
    });
    return series.length === 0 ? [] : [{ id: `compare-${name}`, title: `${histogramLabel(name)}: latency by percentile`, xAxis: 'percentile' as const, yLabel: 'ms', series }];
  });
}
