/**
 * The HTML report in a real browser: Debian's chromium, driven by playwright-core. Every chart
 * must draw, the console must stay clean, and the page must load nothing from the network.
 * Without chromium a developer's run skips this test by name; CI (CI=true) or REQUIRE_CHROMIUM=1
 * makes a missing chromium a failure.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { compareColumns } from '../../src/report/compare.js';
import { renderCompareHtml } from '../../src/report/compare-html.js';
import { latencyCharts, timelineCharts } from '../../src/report/html-charts.js';
import { renderRunHtml } from '../../src/report/html.js';
import { mergeResults } from '../../src/report/merge.js';
import { runSignBench } from '../../src/sign-bench/run-sign-bench.js';
import { renderSignBenchHtml } from '../../src/sign-bench/sign-bench-html.js';
import { repoPath } from '../helpers.js';
import { fixtureResult } from './fixture.js';

/** Debian's chromium; CHROMIUM_PATH points elsewhere on other machines. */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const required = process.env['CI'] === 'true' || process.env['REQUIRE_CHROMIUM'] === '1';
const missing = !existsSync(CHROMIUM);
const skip = missing && !required ? `${CHROMIUM} is not installed (apt-get install chromium; CI=true or REQUIRE_CHROMIUM=1 makes this a failure)` : false;
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
  if (missing) assert.fail(`${CHROMIUM} is not installed, and ${process.env['CI'] === 'true' ? 'CI=true' : 'REQUIRE_CHROMIUM=1'} requires it`);
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-chromium-'));
  // A new, empty profile each time; playwright passes it to chromium as --user-data-dir.
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
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
  assert.deepEqual(check.charts.map((c) => c.id), expectedIds);
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
      { expression: 'connect.p(99)<250ms', source: 'scenario', metric: 'connect', group: null, aggregate: { kind: 'percentile', percentile: 99 }, op: '<', limit: 250_000, abortOnFail: false, passed: true, actual: 1 },
      { expression: 'publishAck{group=rsa}.p99<1ms', source: 'cli', metric: 'publishAck', group: 'rsa', aggregate: { kind: 'percentile', percentile: 99 }, op: '<', limit: 1000, abortOnFail: false, passed: false, actual: 1 },
    ];
    const merged = mergeResults([{ file: 'a.json', result: a }, { file: 'b.json', result: b }]);
    const file = join(OUT, 'report.html');
    writeFileSync(file, renderRunHtml(merged));
    const { check, errors, requests } = await openInChromium(file, join(OUT, 'report.png'));
    assertChartsDrew(check, [...latencyCharts(merged), ...timelineCharts(merged)].map((c) => c.id));
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
    assertChartsDrew(check, ['signUs', 'connectUs', 'publishAckUs', 'publishAckUncorrectedUs', 'sendLagUs', 'eventLoopDelayUs'].map((n) => `compare-${n}`));
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, []);
  });

  it('draws the sign-bench page: its bar charts and its latency spectra', { skip }, async () => {
    mkdirSync(OUT, { recursive: true });
    const result = await runSignBench({ algs: ['RS256', 'ES256'], rsaBits: [2048], workers: [1, 2], durationMs: 50, openssl: false });
    const file = join(OUT, 'sign-bench.html');
    writeFileSync(file, renderSignBenchHtml(result));
    const { check, errors, requests } = await openInChromium(file, join(OUT, 'sign-bench.png'));
    assert.deepEqual(check.charts.map((c) => c.id), ['bars-rates', 'bars-threads', 'bars-bytes', 'bars-keygen', 'latency-sign', 'latency-verify']);
    const bars = Object.fromEntries(check.charts.map((c) => [c.id, c.bars]));
    assert.deepEqual(bars, { 'bars-rates': 4, 'bars-threads': 4, 'bars-bytes': 4, 'bars-keygen': 2, 'latency-sign': 0, 'latency-verify': 0 }, 'every bar drawn with a height');
    for (const chart of check.charts) assert.ok(chart.width > 200 && chart.height > 80, `${chart.id} has a size`);
    for (const chart of check.charts.filter((c) => c.id.startsWith('latency-'))) assert.equal(chart.polylines, 2, `${chart.id}: RS256-2048 and ES256`);
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, []);
  });
});
