/**
 * The HTML report in a real browser: Debian's chromium, driven by playwright-core. Every chart
 * must draw, the console must stay clean, and the page must load nothing from the network.
 * Without chromium a developer's run skips this test by name; REQUIRE_CHROMIUM=1 (.ci/run sets it)
 * makes a missing chromium a failure.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { compareColumns } from '../../src/report/compare/compare.js';
import { renderCompareHtml } from '../../src/report/compare/compare-html.js';
import { latencyCharts, timelineCharts } from '../../src/report/render/html-charts.js';
import { renderRunHtml } from '../../src/report/render/html.js';
import { mergeResults } from '../../src/report/merge/merge.js';
import { runSignBench } from '../../src/sign-bench/run-sign-bench.js';
import { renderSignBenchHtml } from '../../src/sign-bench/sign-bench-html.js';
import { repoPath } from '../helpers.js';
import { assertPresent, skipWithout, type OptionalTool } from '../support/optional-tool.js';
import { fixtureResult } from '../report/fixture.js';
import { runsVerdict } from '../../src/report/compare/compare-verdict.js';
import type { RunResult } from '../../src/report/model/run-result.js';

/** Debian's chromium; CHROMIUM_PATH points elsewhere on other machines. */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHROMIUM_TOOL: OptionalTool = {
  name: 'chromium',
  requireVar: 'REQUIRE_CHROMIUM',
  missing: existsSync(CHROMIUM) ? undefined : `${CHROMIUM} does not exist (CHROMIUM_PATH names another)`,
  install: 'apt-get install chromium',
};
const skip = skipWithout(CHROMIUM_TOOL);
const OUT = repoPath('test-output');

interface PageCheck {
  charts: { id: string; polylines: number; points: number; bars: number; width: number; height: number }[];
  cards: number;
  thresholdRows: number;
}

const INSPECT = `(() => ({
  charts: [...document.querySelectorAll('figure.chart')].map((f) => {
    const svg = f.querySelector('svg');
    const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    const lines = [...f.querySelectorAll('polyline.series')];
    const bars = [...f.querySelectorAll('rect.bar')].filter((r) => r.getBoundingClientRect().height > 0).length;
    return { id: f.id, polylines: lines.length, points: Math.min(...lines.map((l) => l.points.length)), bars, width: box.width, height: box.height };
  }),
  cards: document.querySelectorAll('.card').length,
  thresholdRows: document.querySelectorAll('table.thresholds tr').length - 1,
}))()`;

async function openInChromium(file: string, screenshot: string): Promise<{ check: PageCheck; errors: string[]; requests: string[] }> {
  assertPresent(CHROMIUM_TOOL);
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-chromium-'));
  // A new, empty profile each time; playwright passes it to chromium as --user-data-dir.
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning' ? errors.push(`${m.type()}: ${m.text()}`) : undefined));
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      requests.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const check = await page.evaluate<PageCheck>(INSPECT);
    await page.screenshot({ path: screenshot, fullPage: true });
    return { check, errors, requests };
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

function assertChartsDrew(check: PageCheck, expectedIds: string[]): void {
  assert.deepEqual(
    check.charts.map((c) => c.id),
    expectedIds,
  );
  for (const chart of check.charts) {
    assert.ok(chart.polylines >= 1, `${chart.id} has a line`);
    assert.ok(chart.points >= 2, `${chart.id}: every line has points (${chart.points})`);
    assert.ok(chart.width > 200 && chart.height > 80, `${chart.id} has a size (${chart.width}×${chart.height})`);
  }
}

describe('the HTML report in headless Chromium', () => {
  it('draws every chart, logs no error, loads nothing from the network, and is saved as a screenshot', { skip }, async () => {
    mkdirSync(OUT, { recursive: true });
    const a = fixtureResult({ seed: 1, shard: { index: 0, count: 3 } });
    const b = fixtureResult({ seed: 2, startedAt: '2026-11-28T08:00:01.700Z', shard: { index: 1, count: 3 } });
    a.thresholds = b.thresholds = [
      {
        expression: 'connect.p(99)<250ms',
        source: 'scenario',
        metric: 'connect',
        group: null,
        aggregate: { kind: 'percentile', percentile: 99 },
        op: '<',
        limit: 250_000,
        abortOnFail: false,
        passed: true,
        actual: 1,
      },
      {
        expression: 'publishAck{group=rsa}.p99<1ms',
        source: 'cli',
        metric: 'publishAck',
        group: 'rsa',
        aggregate: { kind: 'percentile', percentile: 99 },
        op: '<',
        limit: 1000,
        abortOnFail: false,
        passed: false,
        actual: 1,
      },
    ];
    const merged = mergeResults([
      { file: 'a.json', result: a },
      { file: 'b.json', result: b },
    ]);
    const file = join(OUT, 'report.html');
    writeFileSync(file, renderRunHtml(merged));
    const { check, errors, requests } = await openInChromium(file, join(OUT, 'report.png'));
    assertChartsDrew(
      check,
      [...latencyCharts(merged), ...timelineCharts(merged)].map((c) => c.id),
    );
    assert.ok(check.charts.length === 8, `five latency and three timeline charts (${check.charts.length})`);
    assert.equal(check.cards, 8);
    assert.equal(check.thresholdRows, 2);
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, []);
  });

  it('draws the comparison page too', { skip }, async () => {
    mkdirSync(OUT, { recursive: true });
    const base = fixtureResult({ seed: 3 });
    const slower = fixtureResult({ seed: 4, slowdown: 1.8 });
    const columns = [
      { label: 'base', section: base.total, durationMs: base.durationMs },
      { label: 'slower', section: slower.total, durationMs: slower.durationMs },
    ];
    const file = join(OUT, 'compare.html');
    writeFileSync(file, renderCompareHtml('base vs slower', compareColumns(columns), columns));
    const { check, errors, requests } = await openInChromium(file, join(OUT, 'compare.png'));
    assertChartsDrew(
      check,
      ['signUs', 'connectUs', 'publishAckUs', 'publishAckUncorrectedUs', 'sendLagUs', 'eventLoopDelayUs'].map((n) => `compare-${n}`),
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, []);
  });

  it('shows errors by reason at the top, marks the timeline, draws the schedule apart from the latencies, with readable legends', { skip }, async () => {
    mkdirSync(OUT, { recursive: true });
    const result = troubledRun();
    const file = join(OUT, 'report-sections.html');
    writeFileSync(file, renderRunHtml(result));
    const { errors, requests } = await openInChromium(file, join(OUT, 'report-sections.png'));
    const sections = await inspectSections(file, join(OUT, 'report-top.png'));
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, []);
    // This troubled run's generator was saturated: that verdict leads, then the errors, right after the cards.
    assert.deepEqual(
      sections.headings.slice(0, 4),
      ['Generator', 'Errors by reason', 'Thresholds', 'Latency by percentile'],
      'the generator verdict and the errors come right after the summary cards',
    );
    assert.deepEqual(sections.errorRows, [
      // The root cause (refused connects) above the errors, however many more of those.
      ['connect failed: not-authorized', '3'],
      ['error: connection lost (connection-lost)', '12'],
      ['error: no ack in time (ack-timeout)', '2'],
    ]);
    assert.ok(sections.errorsTop < 900, `errors by reason is on the first screen (at ${sections.errorsTop} px)`);
    assert.deepEqual(
      sections.markers,
      { stage: 6, lost: 3, reconnects: 3, refreshes: 3 },
      'two stage starts, one band each of lost, reconnects, refreshes, on each of the three timelines',
    );
    assert.equal(sections.scheduleUnder, 'Connect schedule', 'the schedule chart has its own place, under the timeline');
    assert.ok(!sections.latencyIds.includes('latency-connectDoneUs'), 'and is not among the latency charts');
    assert.ok(sections.legends.includes('embedded broker verify ES256'), sections.legends.join(' | '));
    assert.deepEqual(
      sections.legends.filter((l) => /Us\b|Us\./.test(l)),
      [],
      'no raw metric names in legends',
    );
    assert.ok(sections.legends.includes('connections lost') && sections.legends.includes('token refreshes'), 'markers have a key');
  });

  it('opens the comparison page with the verdict', { skip }, async () => {
    mkdirSync(OUT, { recursive: true });
    const base = fixtureResult({ seed: 3 });
    const slower = fixtureResult({ seed: 4, slowdown: 1.8 });
    const columns = [
      { label: 'base', section: base.total, durationMs: base.durationMs },
      { label: 'slower', section: slower.total, durationMs: slower.durationMs },
    ];
    const comparison = compareColumns(columns);
    const file = join(OUT, 'compare-verdict.html');
    writeFileSync(file, renderCompareHtml('base vs slower', comparison, columns));
    await openInChromium(file, join(OUT, 'compare-verdict.png'));
    const sections = await inspectSections(file, join(OUT, 'compare-top.png'));
    assert.equal(sections.headings[0], 'Verdict');
    assert.equal(sections.verdict, runsVerdict(comparison));
    assert.match(sections.verdict, /^slower against base \(noise band ±10%\): broker worse\. Connects [\d.]+× slower at p99/);
    assert.deepEqual(sections.tableGroups, ['latency', 'throughput', 'errors', 'cost']);
  });

  it('draws the sign-bench page: its bar charts and its latency spectra', { skip }, async () => {
    mkdirSync(OUT, { recursive: true });
    const result = await runSignBench({ algs: ['RS256', 'ES256'], rsaBits: [2048], workers: [1, 2], durationMs: 50, openssl: false });
    const file = join(OUT, 'sign-bench.html');
    writeFileSync(file, renderSignBenchHtml(result));
    const { check, errors, requests } = await openInChromium(file, join(OUT, 'sign-bench.png'));
    assert.deepEqual(
      check.charts.map((c) => c.id),
      ['bars-rates', 'bars-threads', 'bars-bytes', 'bars-keygen', 'latency-sign', 'latency-verify'],
    );
    const bars = Object.fromEntries(check.charts.map((c) => [c.id, c.bars]));
    assert.deepEqual(
      bars,
      { 'bars-rates': 4, 'bars-threads': 4, 'bars-bytes': 4, 'bars-keygen': 2, 'latency-sign': 0, 'latency-verify': 0 },
      'every bar drawn with a height',
    );
    for (const chart of check.charts) assert.ok(chart.width > 200 && chart.height > 80, `${chart.id} has a size`);
    for (const chart of check.charts.filter((c) => c.id.startsWith('latency-'))) assert.equal(chart.polylines, 2, `${chart.id}: RS256-2048 and ES256`);
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, []);
  });
});

/** A run with trouble: lost connections, reconnects and a refresh wave, refused connects, a second stage, the broker's verify times. */
function troubledRun(): RunResult {
  const result = fixtureResult({ seed: 7, seconds: 14 });
  const connect = result.total.histograms['connectUs']!;
  result.total.histograms['connectDoneUs'] = connect;
  result.total.errors = { 'ack-timeout': 2, 'connection-lost': 12 };
  result.total.connectFailures = { 'not-authorized': 3 };
  result.total.counters['connectFailed'] = 3;
  const stage0 = result.stages[0]!;
  stage0.total = { ...stage0.total, connectFailures: { 'not-authorized': 3 }, errors: {} };
  result.stages.push({
    ...stage0,
    index: 1,
    type: 'publish',
    startedAt: '2026-11-28T08:00:04.300Z',
    endedAt: '2026-11-28T08:00:13.000Z',
    durationMs: 8700,
    total: { ...stage0.total, connectFailures: {}, errors: { 'ack-timeout': 2, 'connection-lost': 12 } },
  });
  const at = (second: number) => result.timeline.find((p) => p.second === second)!;
  Object.assign(at(6), { lost: 7 });
  Object.assign(at(7), { lost: 5, reconnects: 4 });
  Object.assign(at(8), { reconnects: 8 });
  Object.assign(at(10), { refreshes: 60 });
  result.broker.metrics = { counters: { 'auth.accepted': 60, 'auth.rejected.bad-signature': 3 }, histograms: { 'verifyUs.ES256': connect } };
  return result;
}

interface Sections {
  headings: string[];
  errorRows: string[][];
  errorsTop: number;
  markers: Record<string, number>;
  scheduleUnder: string;
  latencyIds: string[];
  legends: string[];
  verdict: string;
  tableGroups: string[];
}

const SECTIONS = `(() => {
  const h2 = [...document.querySelectorAll('h2')];
  const markers = {};
  for (const g of document.querySelectorAll('g.marker')) {
    const kind = [...g.classList].find((c) => c.startsWith('marker-')).slice(7);
    markers[kind] = (markers[kind] || 0) + 1;
  }
  const schedule = document.getElementById('schedule-connectDoneUs');
  let under = schedule ? schedule.parentElement.previousElementSibling : null;
  while (under && under.tagName !== 'H3' && under.tagName !== 'H2') under = under.previousElementSibling;
  const latencyGrid = h2.find((h) => h.textContent === 'Latency by percentile');
  const errors = document.getElementById('errors');
  return {
    headings: h2.map((h) => h.textContent),
    errorRows: [...document.querySelectorAll('table.errors tr')].slice(1).map((tr) => [...tr.children].slice(0, 2).map((td) => td.textContent)),
    errorsTop: errors ? errors.getBoundingClientRect().top : -1,
    markers,
    scheduleUnder: under ? under.textContent : '',
    latencyIds: (() => {
      let grid = latencyGrid ? latencyGrid.nextElementSibling : null;
      while (grid && !grid.classList.contains('charts')) grid = grid.nextElementSibling;
      return grid ? [...grid.querySelectorAll('figure')].map((f) => f.id) : [];
    })(),
    legends: [...document.querySelectorAll('.legend span')].map((s) => s.textContent),
    verdict: [...document.querySelectorAll('#verdict p')].map((p) => p.textContent).join('\\n\\n'),
    tableGroups: [...document.querySelectorAll('h3')].map((h) => h.textContent).filter((t) => ['latency', 'throughput', 'errors', 'cost'].includes(t)),
  };
})()`;

/** The page's sections as the browser laid them out, and a screenshot of its first screen. */
async function inspectSections(file: string, screenshot: string): Promise<Sections> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const sections = await page.evaluate<Sections>(SECTIONS);
    await page.screenshot({ path: screenshot, fullPage: false });
    return sections;
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
