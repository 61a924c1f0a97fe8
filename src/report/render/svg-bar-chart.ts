/**
 * Grouped bar charts as SVG of our own, drawn like svg-chart.ts's line charts (same size, grid,
 * ticks and legend): categories along x, one bar per series in each, on a linear or log y axis.
 */
import { escapeHtml } from './html-escape.js';
import { niceTicks } from './svg-chart.js';

export interface BarSeries {
  name: string;
  color: string;
  /** One value per category; null leaves a gap. */
  values: readonly (number | null)[];
}

export interface BarChartSpec {
  id: string;
  title: string;
  categories: readonly string[];
  yLabel: string;
  /** log: powers of ten, for figures that span orders of magnitude (RSA against EC). */
  yScale: 'linear' | 'log';
  series: readonly BarSeries[];
}

const WIDTH = 560;
const HEIGHT = 260;
const PAD = { left: 56, right: 16, top: 12, bottom: 40 };
const PLOT_W = WIDTH - PAD.left - PAD.right;
const PLOT_H = HEIGHT - PAD.top - PAD.bottom;

interface Axis {
  ticks: number[];
  /** A value's height as a fraction of the plot. */
  fraction: (value: number) => number;
}

function axisFor(spec: BarChartSpec, max: number): Axis {
  if (spec.yScale === 'linear') {
    const ticks = niceTicks(max);
    const top = ticks[ticks.length - 1] as number;
    return { ticks, fraction: (v) => v / top };
  }
  const values = spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null && v > 0));
  const low = Math.floor(Math.log10(Math.min(...values, max)));
  const high = Math.max(low + 1, Math.ceil(Math.log10(Math.max(max, 1))));
  const ticks = Array.from({ length: high - low + 1 }, (_, i) => 10 ** (low + i));
  return { ticks, fraction: (v) => (v <= 0 ? 0 : (Math.log10(v) - low) / (high - low)) };
}

export function renderBarChart(spec: BarChartSpec): string {
  const max = Math.max(0, ...spec.series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const axis = axisFor(spec, max);
  const sy = (fraction: number): number => PAD.top + PLOT_H - Math.min(1, Math.max(0, fraction)) * PLOT_H;
  const parts: string[] = [];
  for (const t of axis.ticks) {
    const y = sy(axis.fraction(t));
    parts.push(`<line class="grid" x1="${PAD.left}" x2="${PAD.left + PLOT_W}" y1="${f(y)}" y2="${f(y)}"/>`);
    parts.push(`<text class="tick" x="${PAD.left - 6}" y="${f(y + 4)}" text-anchor="end">${formatTick(t)}</text>`);
  }
  const slot = PLOT_W / Math.max(1, spec.categories.length);
  const barW = (slot * 0.8) / Math.max(1, spec.series.length);
  spec.categories.forEach((category, c) => {
    const x0 = PAD.left + c * slot + slot * 0.1;
    spec.series.forEach((s, i) => {
      const value = s.values[c] ?? null;
      if (value === null) return;
      const y = sy(axis.fraction(value));
      parts.push(
        `<rect class="bar" data-series="${escapeHtml(s.name)}" data-category="${escapeHtml(category)}" data-value="${value}" x="${f(x0 + i * barW)}" y="${f(y)}" width="${f(barW * 0.92)}" height="${f(PAD.top + PLOT_H - y)}" fill="${s.color}"><title>${escapeHtml(`${category} · ${s.name}: ${formatTick(value)}`)}</title></rect>`,
      );
    });
    parts.push(`<text class="tick" x="${f(PAD.left + c * slot + slot / 2)}" y="${PAD.top + PLOT_H + 14}" text-anchor="middle">${escapeHtml(category)}</text>`);
  });
  parts.push(
    `<text class="axis" transform="translate(12 ${PAD.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(spec.yLabel)}${spec.yScale === 'log' ? ' (log)' : ''}</text>`,
  );
  const legend = spec.series.map((s) => `<span><i style="background:${s.color}"></i>${escapeHtml(s.name)}</span>`).join('');
  const bars = spec.series.reduce((n, s) => n + s.values.filter((v) => v !== null).length, 0);
  return `<figure class="chart" id="${escapeHtml(spec.id)}" data-bars="${bars}">
<figcaption>${escapeHtml(spec.title)}</figcaption>
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(spec.title)}">${parts.join('')}</svg>
<div class="legend">${legend}</div>
</figure>`;
}

function formatTick(value: number): string {
  if (value >= 1_000_000) return `${Number((value / 1_000_000).toPrecision(3))}M`;
  return value >= 1000 ? `${Number((value / 1000).toPrecision(3))}k` : `${Number(value.toPrecision(4))}`;
}

function f(n: number): string {
  return n.toFixed(1);
}
