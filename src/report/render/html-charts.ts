/** Which charts a run report shows, as chart specs built from a RunResult alone. */
import { parseHgrm, renderHgrm } from './hgrm.js';
import { histogramLabel, orderedHistogramNames, UNCORRECTED_TWINS } from './labels.js';
import type { HistogramReport, RunResult } from '../model/run-result.js';
import { runTimeline, timelineMarkers, type MarkerKind } from './run-timeline.js';
import type { ChartMarker, ChartSpec, Series } from './svg-chart.js';

const CORRECTED = '#c62828';
const UNCORRECTED = '#1565c0';
const PALETTE = ['#1565c0', '#2e7d32', '#c62828', '#6a1b9a', '#ef6c00', '#00838f'];

/** The percentile spectrum of one histogram, in ms, from its .hgrm rows (exact steps). */
export function percentileSeries(name: string, report: HistogramReport, color: string, dashed = false): Series {
  // Percentile 1 (the maximum) has no place on a log axis; the plotter stops before it too.
  const points = parseHgrm(renderHgrm(report))
    .filter((row) => row.percentile < 1)
    .map((row) => [row.percentile, row.valueMs] as const);
  return { name, color, dashed, points };
}

/** Not a latency but a schedule: when each device got in, from its connect stage's start. Drawn with the timeline. */
export const SCHEDULE_HISTOGRAM = 'connectDoneUs';

export function latencyCharts(result: RunResult): ChartSpec[] {
  const histograms = result.total.histograms;
  const twins = new Set([...Object.values(UNCORRECTED_TWINS), SCHEDULE_HISTOGRAM]);
  const charts: ChartSpec[] = [];
  for (const name of orderedHistogramNames(Object.keys(histograms))) {
    const report = histograms[name];
    if (report === undefined || report.summary.count === 0 || twins.has(name)) continue;
    const series = [percentileSeries(UNCORRECTED_TWINS[name] === undefined ? histogramLabel(name) : 'corrected (from plan)', report, CORRECTED)];
    const twin = histograms[UNCORRECTED_TWINS[name] ?? ''];
    if (twin !== undefined && twin.summary.count > 0) series.push(percentileSeries('uncorrected (from send)', twin, UNCORRECTED, true));
    const title = UNCORRECTED_TWINS[name] === undefined ? histogramLabel(name) : 'publish → ack';
    charts.push({ id: `latency-${name}`, title: `${title}: latency by percentile`, xAxis: 'percentile', yLabel: 'ms', series });
  }
  for (const [name, report] of Object.entries(result.broker.metrics?.histograms ?? {})) {
    if (report.summary.count === 0) continue;
    const label = `embedded broker ${name.replace(/^verifyUs\./, 'verify ')}`;
    charts.push({
      id: `broker-${name}`,
      title: `${label}: latency by percentile`,
      xAxis: 'percentile',
      yLabel: 'ms',
      series: [percentileSeries(label, report, PALETTE[3] ?? 'black')],
    });
  }
  return charts;
}

const MARKER_COLORS: Record<MarkerKind, string> = { stage: '#5b6475', lost: '#c62828', reconnects: '#2e7d32', refreshes: '#6a1b9a' };

/** The timelines from the first stage's second (run-timeline.ts), each marked with stage starts and events. */
export function timelineCharts(result: RunResult): ChartSpec[] {
  const timeline = runTimeline(result);
  const t = timeline.rows;
  if (t.length === 0) return [];
  const markers: ChartMarker[] = timelineMarkers(result, timeline).map((m) => ({
    kind: m.kind,
    from: m.second,
    to: m.untilSecond,
    label: m.label,
    color: MARKER_COLORS[m.kind],
  }));
  const line = (name: string, i: number, pick: (p: (typeof t)[number]) => number): Series => ({
    name,
    color: PALETTE[i % PALETTE.length] ?? 'black',
    points: t.map((p) => [p.second, pick(p)] as const),
  });
  return [
    {
      id: 'timeline-rates',
      title: 'per second',
      xAxis: 'seconds',
      yLabel: 'per second',
      markers,
      series: [
        line('connects/s', 0, (p) => p.connects),
        line('publishes/s', 1, (p) => p.published),
        line('acks/s', 3, (p) => p.acked),
        line('errors/s', 2, (p) => p.errors + p.connectFailures),
      ],
    },
    {
      id: 'timeline-gauges',
      title: 'connected and in flight',
      xAxis: 'seconds',
      yLabel: 'count',
      markers,
      series: [line('connected', 0, (p) => p.connected), line('in flight', 4, (p) => p.inFlight)],
    },
    {
      id: 'timeline-latency',
      title: 'publish → ack per second (from plan)',
      xAxis: 'seconds',
      yLabel: 'ms',
      markers,
      series: [line('p50', 1, (p) => p.publishAckP50Us / 1000), line('p99', 2, (p) => p.publishAckP99Us / 1000)],
    },
  ];
}

/** When devices got their CONNACK, from their connect stage's start, by percentile of the devices: the connect schedule as it happened. */
export function scheduleChart(result: RunResult): ChartSpec | undefined {
  const report = result.total.histograms[SCHEDULE_HISTOGRAM];
  if (report === undefined || report.summary.count === 0) return undefined;
  const series = [percentileSeries('all devices', report, PALETTE[0] ?? 'black')];
  Object.entries(result.groups).forEach(([name, section], i) => {
    const h = section.histograms[SCHEDULE_HISTOGRAM];
    if (Object.keys(result.groups).length > 1 && h !== undefined && h.summary.count > 0)
      series.push(percentileSeries(`group ${name}`, h, PALETTE[(i + 1) % PALETTE.length] ?? 'black', true));
  });
  return {
    id: 'schedule-connectDoneUs',
    title: `${histogramLabel(SCHEDULE_HISTOGRAM)}: share of devices in, over time`,
    xAxis: 'percentile',
    yLabel: 'ms',
    series,
  };
}
