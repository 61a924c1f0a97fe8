/**
 * The shipped scenarios, run for real against the embedded broker, made small with `--set`
 * overrides and variables (the library's loadScenario takes both, as the CLI does). Counts are
 * asserted, never timings.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { formatSummary } from '../../src/api/report.js';
import { loadScenario, run, type RunResult } from '../../src/index.js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { repoPath } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-shipped-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const histogramCount = (result: RunResult, name: string): number => {
  const h = result.total.histograms[name];
  return h === undefined ? 0 : decodeHistogram(h.encoded).totalCount;
};

describe('shipped scenarios, run small', () => {
  it('reconnect-storm: a quarter drop abruptly and every one comes back, no message lost', async () => {
    const loaded = await loadScenario(repoPath('scenarios/reconnect-storm.yaml'), {
      env: {},
      sets: [
        'workers=2',
        'groups.0.count=20',
        `groups.0.keys.store=${join(dir, 'storm.json')}`,
        'stages.0.rate=200/s',
        'stages.1.duration=2s',
        'stages.3.duration=2s',
      ],
    });
    const result = await run(loaded);
    const c = result.total.counters;
    assert.equal(result.status, 'complete', result.statusReason);
    assert.equal(c['connected'], 20);
    assert.equal(c['dropped'], 5);
    assert.equal(c['reconnects'], 5);
    assert.equal(histogramCount(result, 'reconnectUs'), 5);
    assert.deepEqual(result.total.errors, {});
    assert.equal(c['published'], 80);
    assert.equal(c['acked'], 80);
    // Every reconnect logged in again with its token: one CONNECT per connect and per reconnect.
    assert.equal(result.broker.metrics?.counters['auth.accepted'], 25);
    assert.equal(result.stages[2]?.total.counters['dropped'], 5);
  });

  it('soak-token-refresh: short tokens are refreshed again and again while devices publish', async () => {
    const loaded = await loadScenario(repoPath('scenarios/soak-token-refresh.yaml'), {
      env: { SOAK_DURATION: '8s' },
      sets: [
        'workers=2',
        'groups.0.count=5',
        `groups.0.keys.store=${join(dir, 'soak.json')}`,
        'groups.0.token.lifetime=6s',
        'groups.0.token.refreshBefore=2s',
        'stages.0.rate=100/s',
        'stages.1.rate=1/s',
      ],
    });
    const result = await run(loaded);
    const c = result.total.counters;
    assert.equal(result.status, 'complete', result.statusReason);
    assert.deepEqual(result.total.errors, {});
    // 6 s tokens refreshed 2–3 s before exp: every 3–4 s, at least twice per device in 8 s.
    assert.ok((c['refreshes'] ?? 0) >= 10, `refreshes: ${c['refreshes']}`);
    assert.equal(c['published'], 40);
    assert.equal(c['acked'], 40);
    assert.ok(
      result.thresholds.every((t) => t.passed),
      JSON.stringify(result.thresholds),
    );
  });

  it('downlink-latency: the embedded broker sends downlinks and every device times them, across token refreshes', async () => {
    const loaded = await loadScenario(repoPath('scenarios/downlink-latency.yaml'), {
      env: { HOLD: '6s' },
      sets: [
        'workers=2',
        'groups.0.count=4',
        `groups.0.keys.store=${join(dir, 'downlink.json')}`,
        'stages.0.rate=200/s',
        // Tokens refreshed every 2–3 s: each refresh's new connection must subscribe again.
        'groups.0.token.lifetime=4s',
        'groups.0.token.refreshBefore=1500ms',
      ],
    });
    const result = await run(loaded);
    const c = result.total.counters;
    assert.equal(result.status, 'complete', result.statusReason);
    assert.deepEqual(result.total.errors, {});
    assert.equal(c['subscribed'], 4);
    assert.ok((c['refreshes'] ?? 0) >= 4, `refreshes: ${c['refreshes']}`);
    // One downlink a second to each of 4 devices over a 6 s hold: about 24. Without subscribing
    // again after a refresh, a device stops receiving at its first refresh (at most 3 rounds: 12).
    assert.ok((c['received'] ?? 0) >= 16, `received: ${c['received']}`);
    assert.equal(histogramCount(result, 'downlinkUs'), c['received']);
  });

  it('capacity-ramp: stops at the first step that breaks and names the last rate that held', async () => {
    const counts = [4, 6, 8, 10, 12];
    const loaded = await loadScenario(repoPath('scenarios/capacity-ramp.yaml'), {
      env: {},
      sets: [
        'workers=2',
        ...counts.flatMap((n, g) => [`groups.${g}.count=${n}`, `groups.${g}.keys.store=${join(dir, `cap-${g}.json`)}`, `groups.${g}.keys.size=2`]),
        // A threshold that breaks deterministically at the third step (8 connects), so the test asserts counts, not speed.
        'capacity.thresholds=["connected.count<=6", "connect.error_rate<1%"]',
      ],
    });
    const result = await run(loaded);
    assert.equal(result.status, 'complete', result.statusReason);
    assert.equal(result.stages.length, 3);
    assert.equal(result.total.counters['connected'], 4 + 6 + 8);
    const capacity = result.capacity!;
    assert.equal(capacity.lastHeldPerSec, 100);
    assert.equal(capacity.firstBrokenPerSec, 200);
    assert.deepEqual(
      capacity.steps.map((s) => [s.ratePerSec, s.devices, s.held]),
      [
        [50, 4, true],
        [100, 6, true],
        [200, 8, false],
      ],
    );
    assert.equal(capacity.verdict, 'held up to 100/s; broke at 200/s (connected.count<=6)');
    assert.match(formatSummary(result), /^capacity: held up to 100\/s; broke at 200\/s \(connected\.count<=6\)$/m);
  });
});
