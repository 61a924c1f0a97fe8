/** The run report as one self-contained HTML page, rendered from a RunResult alone. */
import { groupColumns } from './group-columns.js';
import { describeFaults } from '../judge/faults.js';
import { latencyCharts, scheduleChart, timelineCharts } from './html-charts.js';
import { errorsSection } from './html-errors.js';
import { escapeHtml } from './html-escape.js';
import { htmlPage, htmlTable } from './html-page.js';
import { histogramLabel, orderedHistogramNames } from './labels.js';
import type { MetricsSection, RunResult, ThresholdOutcome } from '../model/run-result.js';
import { renderChart } from './svg-chart.js';
import { formatThresholdValue } from './threshold-format.js';
import { caveatLines, planShareLine, statusWords } from './verdict-text.js';
import { trustSection } from './html-trust.js';
import { trustOf } from '../judge/trust.js';
import { capabilityRows } from './broker-capabilities.js';

export function renderRunHtml(result: RunResult): string {
  const body = [
    header(result),
    cards(result),
    trustSection(result),
    errorsSection(result),
    thresholdsSection(result.thresholds),
    result.capacity === undefined ? '' : capacitySection(result.capacity),
    `<h2>Latency by percentile</h2>\n<p class="sub">HdrHistogram's percentile axis; publish → ack is drawn corrected for coordinated omission (from the planned send time) beside uncorrected (from the actual send).</p>\n<div class="charts">${latencyCharts(result).map(renderChart).join('\n')}</div>`,
    timelineSection(result),
    `<h2>Groups</h2>\n${groupColumns(result)
      .map((c) => `<h3>${escapeHtml(c.label)}</h3>\n${sectionTables(c.section)}`)
      .join('\n')}`,
    stagesSection(result),
    brokerSection(result),
    announcedSection(result),
    `<h2>Run</h2>\n<details><summary>environment</summary><pre>${escapeHtml(JSON.stringify(result.environment, null, 2))}</pre></details>\n<details><summary>resolved scenario</summary><pre>${escapeHtml(JSON.stringify(result.scenario, null, 2))}</pre></details>`,
  ];
  return htmlPage(`${result.scenario.name} · mqtt-jwt-bench`, body.join('\n'));
}

function timelineSection(result: RunResult): string {
  const schedule = scheduleChart(result);
  const prepared = result.stages[0] === undefined ? '' : ((Date.parse(result.stages[0].startedAt) - Date.parse(result.startedAt)) / 1000).toFixed(1);
  const note = `<p class="sub">seconds from the first stage's start${prepared === '' ? '' : ` (keys and tokens were prepared in the ${prepared} s before it)`}; dashed lines mark stage starts, shaded bands lost connections, reconnects and token refreshes</p>`;
  const scheduleHtml =
    schedule === undefined
      ? ''
      : `\n<h3>Connect schedule</h3>\n<p class="sub">when the devices got their CONNACK, counted from their connect stage's start: the schedule as it happened, not a latency</p>\n<div class="charts">${renderChart(schedule)}</div>`;
  return `<h2>Timeline</h2>\n${note}\n<div class="charts">${timelineCharts(result).map(renderChart).join('\n')}</div>${scheduleHtml}`;
}

function header(r: RunResult): string {
  const reason = r.statusReason === undefined ? '' : ` (${escapeHtml(r.statusReason)})`;
  const faults = describeFaults(r.total);
  const shards =
    r.shards === undefined
      ? ''
      : ` · merged from ${r.shards.present.length} of ${r.shards.count} shards${r.shards.missing.length > 0 ? `, missing ${r.shards.missing.join(', ')}` : ''}`;
  const caveats = (r.caveats ?? []).length > 0 || trustOf(r).untrustworthy ? ' caveat' : '';
  const share = planShareLine(r);
  const notes = [...(share === undefined ? [] : [share]), ...caveatLines(r)].map((l) => `<br>${escapeHtml(l)}`).join('');
  return `<h1>${escapeHtml(r.scenario.name)} <span class="badge ${r.status}${caveats}">${escapeHtml(statusWords(r))}</span></h1>
<p class="sub">${r.runId === undefined ? '' : `run ${escapeHtml(r.runId)} · `}${escapeHtml(r.startedAt)} · ${(r.durationMs / 1000).toFixed(1)} s · broker ${escapeHtml(r.broker.url)} (${r.broker.kind}) · ${r.scenario.plan.workers} workers · mqtt-jwt-bench ${escapeHtml(r.environment.harnessVersion)}${reason}${escapeHtml(shards)}${notes}</p>${faults === undefined ? '' : `\n<p class="sub"><b>${escapeHtml(faults)}</b></p>`}`;
}

function cards(r: RunResult): string {
  const c = r.total.counters;
  const p99 = (name: string): string => (r.total.histograms[name] === undefined ? '—' : `${ms(r.total.histograms[name].summary.p99)} ms`);
  const errors = Object.values(r.total.errors).reduce((a, b) => a + b, 0) + (c['connectFailed'] ?? 0);
  const passed = r.thresholds.filter((t) => t.passed).length;
  const items: [string, string][] = [
    ['devices', String(c['devices'] ?? 0)],
    ['connected', String(c['connected'] ?? 0)],
    ['published', String(c['published'] ?? 0)],
    ['acked', String(c['acked'] ?? 0)],
    ['errors', String(errors)],
    ['connect p99', p99('connectUs')],
    ['publish → ack p99', p99('publishAckUs')],
    ['thresholds passed', r.thresholds.length === 0 ? '—' : `${passed} / ${r.thresholds.length}`],
  ];
  return `<div class="cards">${items.map(([label, value]) => `<div class="card"><b>${escapeHtml(value)}</b><span>${escapeHtml(label)}</span></div>`).join('')}</div>`;
}

function capacitySection(capacity: NonNullable<RunResult['capacity']>): string {
  const rows = capacity.steps.map((s) => [
    `${s.ratePerSec}/s`,
    String(s.devices),
    s.held ? '✓ held' : '✗ broke',
    escapeHtml(s.outcomes.map((o) => `${o.passed ? '✓' : '✗'} ${o.expression}: ${formatThresholdValue(o)}`).join('; ')),
  ]);
  return `<h2>Capacity</h2>\n<p class="sub">${escapeHtml(capacity.verdict)}</p>\n${htmlTable(['connect rate', 'devices', 'step', 'thresholds on the step alone'], rows, ' class="capacity"')}`;
}

function thresholdsSection(outcomes: readonly ThresholdOutcome[]): string {
  if (outcomes.length === 0) return '<h2>Thresholds</h2>\n<p class="sub">none set</p>';
  const rows = outcomes.map((o) => [
    `<span class="badge ${o.passed ? 'pass' : 'fail'}">${o.passed ? 'passed' : 'failed'}</span>`,
    escapeHtml(o.expression),
    escapeHtml(formatThresholdValue(o)),
    escapeHtml(`${o.source}${o.abortOnFail ? ', abortOnFail' : ''}${o.note === undefined ? '' : ` · ${o.note}`}`),
  ]);
  return `<h2>Thresholds</h2>\n${htmlTable(['outcome', 'threshold', 'measured', 'notes'], rows, ' class="thresholds"')}`;
}

export function sectionTables(s: MetricsSection): string {
  const names = orderedHistogramNames(Object.keys(s.histograms)).filter((n) => (s.histograms[n]?.summary.count ?? 0) > 0);
  const rows = names.map((n) => {
    const h = (s.histograms[n] as NonNullable<MetricsSection['histograms'][string]>).summary;
    return [escapeHtml(histogramLabel(n)), String(h.count), ms(h.mean), ms(h.p50), ms(h.p90), ms(h.p99), ms(h.p999), ms(h.max)];
  });
  const counters = Object.entries({ ...s.counters, ...prefixed('connect failed: ', s.connectFailures), ...prefixed('error: ', s.errors) });
  return `${htmlTable(['latency (ms)', 'count', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'max'], rows)}\n${htmlTable(
    ['counter', 'value'],
    counters.map(([k, v]) => [escapeHtml(k), String(v)]),
  )}`;
}

function stagesSection(r: RunResult): string {
  const rows = r.stages.map((s) => {
    const c = s.total.counters;
    const p99 = s.total.histograms['publishAckUs'];
    const errs = Object.values(s.total.errors).reduce((a, b) => a + b, 0) + (c['connectFailed'] ?? 0);
    return [
      String(s.index + 1),
      escapeHtml(s.type),
      (s.durationMs / 1000).toFixed(1),
      String(c['connected'] ?? 0),
      String(c['published'] ?? 0),
      String(c['acked'] ?? 0),
      String(errs),
      p99 === undefined ? '—' : ms(p99.summary.p99),
    ];
  });
  return `<h2>Stages</h2>\n${htmlTable(['stage', 'type', 'seconds', 'connected', 'published', 'acked', 'errors', 'publish → ack p99 (ms)'], rows)}`;
}

function brokerSection(r: RunResult): string {
  const m = r.broker.metrics;
  if (m === undefined) return '';
  return `<h2>Embedded broker</h2>\n${sectionTables({ counters: m.counters, histograms: m.histograms, connectFailures: {}, errors: {} })}`;
}

/** What an MQTT 5 broker announced in its CONNACK, per URL, and the Reason Strings it gave. */
function announcedSection(r: RunResult): string {
  const urls = Object.entries(r.broker.capabilities ?? {});
  const strings = Object.entries(r.broker.reasonStrings ?? {});
  if (urls.length === 0 && strings.length === 0) return '';
  const tables = urls.map(
    ([url, c]) =>
      `<h3>${escapeHtml(url)}</h3>\n${htmlTable(
        ['capability', 'announced'],
        capabilityRows(c).map(([k, v]) => [escapeHtml(k), escapeHtml(v)]),
      )}`,
  );
  const reasons =
    strings.length === 0
      ? ''
      : htmlTable(
          ['reason', 'reason strings (first 3)'],
          strings.map(([k, v]) => [escapeHtml(k), escapeHtml(v.map((t) => JSON.stringify(t)).join(', '))]),
        );
  return `<h2>What the broker announced</h2>\n<p class="sub">MQTT 5 CONNACK capabilities (§3.2.2.3), spec defaults where a property was absent.</p>\n${tables.join('\n')}\n${reasons}`;
}

function prefixed(prefix: string, record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [prefix + k, v]));
}

function ms(us: number): string {
  return us >= 10_000 ? (us / 1000).toFixed(0) : (us / 1000).toFixed(2);
}
