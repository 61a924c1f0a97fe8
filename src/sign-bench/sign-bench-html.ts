/** The `sign-bench` result as one self-contained page, drawn with the run reports' own pieces. */
import { percentileSeries } from '../report/render/html-charts.js';
import { escapeHtml } from '../report/render/html-escape.js';
import { htmlPage, htmlTable } from '../report/render/html-page.js';
import { renderBarChart, type BarChartSpec } from '../report/render/svg-bar-chart.js';
import { renderChart, type ChartSpec } from '../report/render/svg-chart.js';
import type { SignBenchEntry, SignBenchResult } from './sign-bench-result.js';

const PALETTE = ['#1565c0', '#c62828', '#2e7d32', '#6a1b9a', '#ef6c00', '#00838f', '#5d4037', '#455a64'];
const color = (i: number): string => PALETTE[i % PALETTE.length] ?? 'black';
const int = (n: number): string => Math.round(n).toLocaleString('en-US');

export function renderSignBenchHtml(result: SignBenchResult): string {
  const env = result.environment;
  const body = [
    `<h1>sign-bench</h1>\n<p class="sub">${escapeHtml(result.startedAt)} · ${escapeHtml(env.cpuModel)} · ${env.cores} cores · node ${escapeHtml(env.node)} (OpenSSL ${escapeHtml(env.nodeOpenssl)}) · ${result.settings.durationMs} ms per figure · mqtt-jwt-bench ${escapeHtml(env.harnessVersion)}</p>`,
    `<p class="sub">Each figure ran alone, one after the other; other work on the machine shares its cores, so read the ratios within this page rather than the figures across machines.</p>`,
    `<h2>Cost per algorithm</h2>\n<div class="charts">${barCharts(result).map(renderBarChart).join('\n')}</div>`,
    `<h2>Latency by percentile</h2>\n<div class="charts">${latencyCharts(result.entries).map(renderChart).join('\n')}</div>`,
    `<h2>Every figure</h2>\n${figuresTable(result)}`,
    `<h2>Run</h2>\n<details><summary>environment and settings</summary><pre>${escapeHtml(JSON.stringify({ environment: env, settings: result.settings }, null, 2))}</pre></details>`,
  ];
  return htmlPage('sign-bench · mqtt-jwt-bench', body.join('\n'));
}

function barCharts(result: SignBenchResult): BarChartSpec[] {
  const entries = result.entries;
  const categories = entries.map((e) => e.label);
  const oneThread = (e: SignBenchEntry): number | null => e.sign.find((r) => r.workers === 1)?.opsPerSec ?? e.sign[0]?.opsPerSec ?? null;
  const rates: BarChartSpec['series'][number][] = [
    { name: 'sign/s (ours, 1 thread)', color: color(0), values: entries.map(oneThread) },
    { name: 'verify/s (broker check, 1 thread)', color: color(1), values: entries.map((e) => e.verify.opsPerSec) },
  ];
  if (entries.some((e) => e.openssl !== null)) {
    rates.push({ name: 'openssl sign/s', color: color(2), values: entries.map((e) => e.openssl?.signPerSec ?? null) });
    rates.push({ name: 'openssl verify/s', color: color(3), values: entries.map((e) => e.openssl?.verifyPerSec ?? null) });
  }
  const workers = [...result.settings.workers].sort((a, b) => a - b);
  return [
    { id: 'bars-rates', title: 'operations per second on one thread', categories, yLabel: 'per second', yScale: 'log', series: rates },
    {
      id: 'bars-threads',
      title: 'tokens signed per second by worker threads',
      categories,
      yLabel: 'per second',
      yScale: 'log',
      series: workers.map((w, i) => ({
        name: `${w} thread${w === 1 ? '' : 's'}`,
        color: color(i + 4),
        values: entries.map((e) => e.sign.find((r) => r.workers === w)?.opsPerSec ?? null),
      })),
    },
    {
      id: 'bars-bytes',
      title: 'bytes on the wire',
      categories,
      yLabel: 'bytes',
      yScale: 'linear',
      series: [
        { name: 'token', color: color(0), values: entries.map((e) => e.tokenBytes) },
        { name: 'CONNECT packet', color: color(6), values: entries.map((e) => e.connectBytes) },
      ],
    },
    {
      id: 'bars-keygen',
      title: 'key generation, ms per key pair',
      categories,
      yLabel: 'ms',
      yScale: 'log',
      series: [{ name: 'mean ms per key', color: color(7), values: entries.map((e) => e.keygen.histogram.summary.mean / 1000) }],
    },
  ];
}

function latencyCharts(entries: readonly SignBenchEntry[]): ChartSpec[] {
  const series = (pick: (e: SignBenchEntry) => SignBenchEntry['verify'] | undefined) =>
    entries.flatMap((e, i) => {
      const figure = pick(e);
      return figure === undefined ? [] : [percentileSeries(e.label, figure.histogram, color(i))];
    });
  return [
    {
      id: 'latency-sign',
      title: 'sign (one thread): latency by percentile',
      xAxis: 'percentile',
      yLabel: 'ms',
      series: series((e) => e.sign.find((r) => r.workers === 1) ?? e.sign[0]),
    },
    { id: 'latency-verify', title: 'verify (broker check): latency by percentile', xAxis: 'percentile', yLabel: 'ms', series: series((e) => e.verify) },
  ];
}

function figuresTable(result: SignBenchResult): string {
  const workers = [...result.settings.workers].sort((a, b) => a - b);
  const header = [
    'alg',
    'keygen ms/key',
    ...workers.map((w) => `sign/s ×${w}`),
    'scaling',
    'sign p50 / p99 µs',
    'verify/s',
    'verify p50 / p99 µs',
    'token bytes',
    'CONNECT bytes',
    'openssl sign/s',
    'ours ÷ openssl',
    'openssl verify/s',
    'ours ÷ openssl',
  ];
  const rows = result.entries.map((e) => {
    const first = e.sign[0];
    const last = e.sign[e.sign.length - 1];
    const o = e.openssl;
    return [
      escapeHtml(e.label),
      (e.keygen.histogram.summary.mean / 1000).toFixed(2),
      ...workers.map((w) => int(e.sign.find((r) => r.workers === w)?.opsPerSec ?? 0)),
      last === undefined ? '—' : `${last.scaling.toFixed(2)}×`,
      first === undefined ? '—' : `${first.histogram.summary.p50} / ${first.histogram.summary.p99}`,
      int(e.verify.opsPerSec),
      `${e.verify.histogram.summary.p50} / ${e.verify.histogram.summary.p99}`,
      String(e.tokenBytes),
      String(e.connectBytes),
      o === null ? 'n/a' : int(o.signPerSec),
      o === null ? '—' : `${(o.signShare * 100).toFixed(0)}%`,
      o === null ? 'n/a' : int(o.verifyPerSec),
      o === null ? '—' : `${(o.verifyShare * 100).toFixed(0)}%`,
    ];
  });
  return htmlTable(header, rows, ' class="sign-bench"');
}
