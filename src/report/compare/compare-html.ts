/** A comparison as one self-contained page: the verdict, the figures grouped (regressions first), and the spectra overlaid. */
import { COMPARE_GROUPS, type CompareRow, type Comparison } from './compare.js';
import type { CompareColumn } from '../render/group-columns.js';
import { formatDelta, formatRatio, formatValue, shownRows, worst } from './compare-console.js';
import { groupsVerdict, runsVerdict } from './compare-verdict.js';
import { percentileSeries } from '../render/html-charts.js';
import { escapeHtml } from '../render/html-escape.js';
import { htmlPage, htmlTable } from '../render/html-page.js';
import { histogramLabel, orderedHistogramNames } from '../render/labels.js';
import { renderChart, type ChartSpec } from '../render/svg-chart.js';

const PALETTE = ['#1565c0', '#c62828', '#2e7d32', '#6a1b9a', '#ef6c00', '#00838f'];

export interface CompareHtmlOptions {
  /** The groups of one run: the verdict reads as a finding. */
  groups?: boolean;
}

export function renderCompareHtml(title: string, comparison: Comparison, columns: readonly CompareColumn[], options: CompareHtmlOptions = {}): string {
  const verdict = options.groups === true ? groupsVerdict(comparison) : runsVerdict(comparison);
  const paragraphs = verdict
    .split('\n\n')
    .map((p) => `<p>${escapeHtml(p)}</p>`)
    .join('\n');
  const shown = shownRows(comparison, true);
  const tables = COMPARE_GROUPS.map((group) => {
    const rows = shown.filter((r) => r.group === group);
    return rows.length === 0 ? '' : `<h3>${group}</h3>\n${groupTable(comparison, rows)}`;
  }).join('\n');
  const charts = overlayCharts(columns).map(renderChart).join('\n');
  const body = `<h1>${escapeHtml(title)}</h1>
<p class="sub">baseline: ${escapeHtml(comparison.labels[0] ?? '')} · latencies in ms · Δ = column − baseline · × = column ÷ baseline · within ±${Math.round(comparison.noise * 100)}% is noise (grey)</p>
<section class="verdict" id="verdict"><h2>Verdict</h2>\n${paragraphs}</section>
<h2>Figures</h2>\n<p class="sub">regressions first in each group; <span class="worse">worse</span>, <span class="better">better</span>, <span class="same">within noise</span></p>
${tables}
<h2>Latency by percentile</h2>\n<div class="charts">${charts}</div>`;
  return htmlPage(title, body);
}

function groupTable(comparison: Comparison, rows: readonly CompareRow[]): string {
  const header = ['metric', escapeHtml(comparison.labels[0] ?? '')];
  for (const label of comparison.labels.slice(1)) header.push(escapeHtml(label), 'Δ', '×');
  const body = rows.map((row) => {
    const cells = [`<td class="${worst(row)}">${escapeHtml(row.label)}</td>`, formatValue(row.values[0] ?? null, row)];
    for (let i = 1; i < comparison.labels.length; i++) {
      cells.push(
        formatValue(row.values[i] ?? null, row),
        formatDelta(row.deltas[i] ?? null, row),
        `<td class="${row.judgements[i] ?? ''}">${formatRatio(row.ratios[i] ?? null)}</td>`,
      );
    }
    return cells;
  });
  return htmlTable(header, body, ' class="compare"');
}

function overlayCharts(columns: readonly CompareColumn[]): ChartSpec[] {
  const names = orderedHistogramNames(columns.flatMap((c) => Object.keys(c.section.histograms)));
  return names.flatMap((name) => {
    const series = columns.flatMap((c, i) => {
      const h = c.section.histograms[name];
      return h === undefined || h.summary.count === 0 ? [] : [percentileSeries(c.label, h, PALETTE[i % PALETTE.length] ?? 'black')];
    });
    return series.length === 0
      ? []
      : [{ id: `compare-${name}`, title: `${histogramLabel(name)}: latency by percentile`, xAxis: 'percentile' as const, yLabel: 'ms', series }];
  });
}
