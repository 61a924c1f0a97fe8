/**
 * Line charts as SVG of our own, drawn when the report is rendered: the page needs no script
 * and no network to show them. Two x-axes: seconds (timelines) and HdrHistogram's plotter's
 * "percentile" axis, where x = log10(1 / (1 − p)), so 90%, 99%, 99.9% … sit one step apart.
 */
import { escapeHtml } from './html-escape.js';

export interface Series {
  name: string;
  color: string;
  /** [x, y]; for a percentile axis x is the percentile as a fraction (0 ≤ x < 1). */
  points: readonly (readonly [number, number])[];
  dashed?: boolean;
}

/** A moment on a seconds axis: a stage boundary (a labelled line) or a run of events (a band). */
export interface ChartMarker {
  kind: string;
  from: number;
  to: number;
  label: string;
  color: string;
}

export interface ChartSpec {
  id: string;
  title: string;
  xAxis: 'seconds' | 'percentile';
  yLabel: string;
  series: readonly Series[];
  markers?: readonly ChartMarker[];
}

const WIDTH = 560;
const HEIGHT = 260;
const PAD = { left: 56, right: 16, top: 12, bottom: 40 };
const PLOT_W = WIDTH - PAD.left - PAD.right;
const PLOT_H = HEIGHT - PAD.top - PAD.bottom;
/** The percentile axis ends at 99.9999%: beyond it, few runs have a sample. */
const MAX_NINES = 6;

export function percentileX(p: number): number {
  return Math.log10(1 / (1 - Math.min(p, 1 - 10 ** -MAX_NINES)));
}

export function renderChart(spec: ChartSpec): string {
  const mapped = spec.series.map((s) => ({ ...s, points: s.points.map(([x, y]) => [spec.xAxis === 'percentile' ? percentileX(x) : x, y] as const) }));
  const xs = mapped.flatMap((s) => s.points.map(([x]) => x));
  const ys = mapped.flatMap((s) => s.points.map(([, y]) => y));
  const xMax = spec.xAxis === 'percentile' ? Math.max(2, Math.ceil(Math.max(0, ...xs))) : Math.max(1, ...xs);
  const yTicks = niceTicks(Math.max(0, ...ys));
  const yMax = yTicks[yTicks.length - 1] as number;
  const sx = (x: number): number => PAD.left + (x / xMax) * PLOT_W;
  const sy = (y: number): number => PAD.top + PLOT_H - (y / yMax) * PLOT_H;
  const parts: string[] = [];
  for (const t of yTicks) {
    parts.push(`<line class="grid" x1="${PAD.left}" x2="${PAD.left + PLOT_W}" y1="${f(sy(t))}" y2="${f(sy(t))}"/>`);
    parts.push(`<text class="tick" x="${PAD.left - 6}" y="${f(sy(t) + 4)}" text-anchor="end">${formatTick(t)}</text>`);
  }
  for (const [x, label] of xTicks(spec.xAxis, xMax)) {
    parts.push(`<line class="grid" x1="${f(sx(x))}" x2="${f(sx(x))}" y1="${PAD.top}" y2="${PAD.top + PLOT_H}"/>`);
    parts.push(`<text class="tick" x="${f(sx(x))}" y="${PAD.top + PLOT_H + 14}" text-anchor="middle">${label}</text>`);
  }
  const xLabel = spec.xAxis === 'percentile' ? 'percentile' : 'seconds';
  parts.push(`<text class="axis" x="${PAD.left + PLOT_W / 2}" y="${HEIGHT - 6}" text-anchor="middle">${xLabel}</text>`);
  parts.push(`<text class="axis" transform="translate(12 ${PAD.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(spec.yLabel)}</text>`);
  for (const s of mapped) {
    const points = s.points.map(([x, y]) => `${f(sx(x))},${f(sy(y))}`).join(' ');
    parts.push(
      `<polyline class="series" data-series="${escapeHtml(s.name)}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''} points="${points}"/>`,
    );
  }
  parts.push(...(spec.markers ?? []).map((m) => markerSvg(m, sx, xMax)));
  const kinds = [...new Map((spec.markers ?? []).filter((m) => m.kind !== 'stage').map((m) => [m.kind, m])).values()];
  const legend = [
    ...mapped.map((s) => `<span><i style="background:${s.color}"></i>${escapeHtml(s.name)}</span>`),
    ...kinds.map(
      (m) => `<span class="marker-key"><i style="background:${m.color};height:10px;opacity:.5"></i>${escapeHtml(MARKER_NAMES[m.kind] ?? m.kind)}</span>`,
    ),
  ].join('');
  return `<figure class="chart" id="${escapeHtml(spec.id)}" data-points="${mapped.reduce((n, s) => n + s.points.length, 0)}">
<figcaption>${escapeHtml(spec.title)}</figcaption>
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(spec.title)}">${parts.join('')}</svg>
<div class="legend">${legend}</div>
</figure>`;
}

const MARKER_NAMES: Record<string, string> = { lost: 'connections lost', reconnects: 'reconnects', refreshes: 'token refreshes' };

/** A stage start as a dashed line with its name; events as a translucent band with a tooltip. */
function markerSvg(m: ChartMarker, sx: (x: number) => number, xMax: number): string {
  const x1 = sx(Math.max(0, Math.min(m.from, xMax)));
  const title = `<title>${escapeHtml(m.label)}</title>`;
  if (m.kind === 'stage') {
    return (
      `<g class="marker marker-stage">${title}<line x1="${f(x1)}" x2="${f(x1)}" y1="${PAD.top}" y2="${PAD.top + PLOT_H}" stroke="${m.color}" stroke-dasharray="3 3"/>` +
      `<text class="tick" x="${f(x1 + 3)}" y="${PAD.top + 10}">${escapeHtml(m.label)}</text></g>`
    );
  }
  const x2 = sx(Math.max(0, Math.min(m.to + 1, xMax)));
  return `<g class="marker marker-${escapeHtml(m.kind)}">${title}<rect x="${f(x1)}" y="${PAD.top}" width="${f(Math.max(2, x2 - x1))}" height="${PLOT_H}" fill="${m.color}" opacity="0.18"/></g>`;
}

/** About five round steps (1, 2 or 5 × 10^n) from 0 past `max`. */
export function niceTicks(max: number): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) as number) * magnitude;
  const ticks: number[] = [];
  for (let t = 0; t < max + step * 0.999; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function xTicks(axis: ChartSpec['xAxis'], xMax: number): [number, string][] {
  if (axis === 'percentile') {
    const labels = ['0%', '90%', '99%', '99.9%', '99.99%', '99.999%', '99.9999%'];
    return labels.slice(0, xMax + 1).map((label, i) => [i, label]);
  }
  return niceTicks(xMax)
    .filter((t) => t <= xMax)
    .map((t) => [t, `${t}`]);
}

function formatTick(value: number): string {
  return Math.abs(value) >= 1000 ? `${Number((value / 1000).toPrecision(3))}k` : `${Number(value.toPrecision(4))}`;
}

function f(n: number): string {
  return n.toFixed(1);
}
