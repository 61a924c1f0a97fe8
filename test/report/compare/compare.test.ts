import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareColumns, compareGroups, differences, runColumn } from '../../../src/report/compare/compare.js';
import { formatComparison, shownRows } from '../../../src/report/compare/compare-console.js';
import { groupsVerdict, runsVerdict } from '../../../src/report/compare/compare-verdict.js';
import { ANSI_PAINT } from '../../../src/report/render/paint.js';
import type { HistogramReport, MetricsSection } from '../../../src/report/model/run-result.js';
import { fixtureResult } from '../fixture.js';

/** The escape character, spelled so that no regular expression holds a control character. */
const ESC = String.fromCharCode(27);

/** A histogram known only by its summary, which is all compare reads. */
const h = (p50: number, p99: number): HistogramReport => ({ summary: { count: 100, min: 1, mean: p50, p50, p90: p99, p99, p999: p99, max: p99 }, encoded: '' });
const section = (counters: Record<string, number>, histograms: Record<string, HistogramReport>, errors: Record<string, number> = {}): MetricsSection => ({
  counters,
  connectFailures: {},
  errors,
  histograms,
});

// RS256-2048 against ES256, shaped like the rsa-vs-ec scenario's report.
const rsa = section(
  { devices: 250, connectAttempts: 250, connected: 250, published: 2500, acked: 2500, connectBytes: 250 * 615, presignedTokenBytes: 250 * 342 },
  { signUs: h(450, 900), brokerVerifyUs: h(170, 400), connectUs: h(3000, 9000) },
);
const ec = section(
  { devices: 250, connectAttempts: 250, connected: 250, published: 2500, acked: 2500, connectBytes: 250 * 357, presignedTokenBytes: 250 * 200 },
  { signUs: h(50, 120), brokerVerifyUs: h(240, 500), connectUs: h(2900, 9300) },
);

const before = section(
  { devices: 200, connectAttempts: 200, connected: 200, published: 4000, acked: 4000 },
  { connectUs: h(2000, 80_000), publishAckUs: h(430, 2620) },
);
const after = section(
  { devices: 200, connectAttempts: 200, connected: 200, published: 4000, acked: 3800 },
  { connectUs: h(1900, 38_000), publishAckUs: h(440, 3700) },
  { 'ack-timeout': 200 },
);

const columns = (...pairs: [string, MetricsSection][]) => pairs.map(([label, s]) => ({ label, section: s, durationMs: 10_000 }));

describe('compare', () => {
  it('computes deltas and ratios against the first column', () => {
    assert.deepEqual(differences([200, 300, 100, null]), { deltas: [null, 100, -100, null], ratios: [null, 1.5, 0.5, null] });
    assert.deepEqual(differences([0, 5]), { deltas: [null, 5], ratios: [null, null] });
    assert.deepEqual(differences([null, 5]), { deltas: [null, null], ratios: [null, null] });
  });

  it('names rows for people, with units and groups, judged against the noise band', () => {
    const comparison = compareColumns(columns(['before', before], ['after', after]));
    const row = (metric: string) => comparison.rows.find((r) => r.metric === metric)!;
    assert.equal(
      comparison.rows.find((r) => r.metric === 'durationMs' || (r.metric.endsWith('.rate') && r.metric !== 'connect.rate')),
      undefined,
      'no duration or run-wide rate rows',
    );
    assert.deepEqual(
      { label: row('connectUs.p99').label, unit: row('connectUs.p99').unit, group: row('connectUs.p99').group, judgements: row('connectUs.p99').judgements },
      { label: 'connect → CONNACK p99', unit: 'us', group: 'latency', judgements: ['baseline', 'better'] },
    );
    assert.deepEqual(row('publishAckUs.p50').judgements, ['baseline', 'same'], '430 → 440 µs is within ±10%');
    assert.deepEqual(row('counters.acked').judgements, ['baseline', 'worse'], 'counts are exact: 200 fewer acks are real');
    assert.deepEqual(
      {
        label: row('errors.ack-timeout').label,
        group: row('errors.ack-timeout').group,
        values: row('errors.ack-timeout').values,
        judgements: row('errors.ack-timeout').judgements,
      },
      { label: 'error: ack-timeout', group: 'errors', values: [0, 200], judgements: ['baseline', 'worse'] },
    );
    // A wider band makes the publish → ack p99 change (1.41×) noise.
    const wide = compareColumns(columns(['before', before], ['after', after]), { noise: 0.5 });
    assert.deepEqual(wide.rows.find((r) => r.metric === 'publishAckUs.p99')!.judgements, ['baseline', 'same']);
  });

  it('opens a comparison of runs with a verdict in words', () => {
    const comparison = compareColumns(columns(['before', before], ['after', after]));
    assert.equal(
      runsVerdict(comparison),
      'after against before (noise band ±10%): broker mixed. Connects 2.1× faster at p99 (80.0 ms → 38.0 ms); publish → ack 1.41× slower at p99 (2.62 ms → 3.70 ms); ' +
        'messages acked 5% fewer (4000 → 3800); more errors (0 → 200: ack-timeout 200).',
    );
    assert.equal(
      runsVerdict(compareColumns(columns(['a', before], ['b', before]))),
      'b against a (noise band ±10%): broker no change beyond noise. Connects unchanged at p99 (80.0 ms → 80.0 ms); publish → ack unchanged at p99 (2.62 ms → 2.62 ms); messages acked unchanged (4000 → 4000); no errors in either.',
    );
  });

  it("keeps the generator's health apart from the broker's verdict", () => {
    // The same broker figures; only the harness's event-loop delay and send lag grew.
    const loaded = section(before.counters, { ...before.histograms, eventLoopDelayUs: h(5000, 90_000), sendLagUs: h(3000, 60_000) });
    const calm = section(before.counters, { ...before.histograms, eventLoopDelayUs: h(500, 9000), sendLagUs: h(30, 600) });
    const verdict = runsVerdict(compareColumns(columns(['calm', calm], ['loaded', loaded])));
    assert.match(verdict, /^loaded against calm \(noise band ±10%\): broker no change beyond noise\./);
    assert.match(verdict, / Generator health, apart from the broker's verdict: worse: .*event-loop delay/);
  });

  it('states the RSA-against-EC finding in words: sign, verify, token and CONNECT bytes, connect latency', () => {
    const comparison = compareColumns(columns(['rsa', rsa], ['ec', ec]));
    assert.equal(
      groupsVerdict(comparison),
      'ec against rsa in one run (noise band ±10%): signing a token takes rsa 0.45 ms and ec 0.05 ms at p50 (ec 9.0× cheaper); ' +
        "the broker verifies rsa's token in 0.17 ms and ec's in 0.24 ms at p50 (ec 1.41× dearer); a token is 342 B and 200 B (ec 1.71× smaller); " +
        'a CONNECT 615 B and 357 B (ec 1.72× smaller); connect → CONNACK takes 3.00 ms and 2.90 ms at p50 (within noise, 0.97×); ' +
        '9.00 ms and 9.30 ms at p99 (within noise, 1.03×). 4 of 6 differences are beyond noise.',
    );
  });

  it('warns in the verdict when a generator was saturated', () => {
    const saturated = {
      ...fixtureResult({ seed: 1 }),
      generator: {
        saturated: true,
        reasons: ['x'],
        workers: [],
        process: { cpuUserMs: 0, cpuSystemMs: 0, baselineRssBytes: 0, peakRssBytes: 0, peakConnected: 0, rssPerConnectionBytes: null },
      },
    };
    const comparison = compareColumns([runColumn('calm', fixtureResult({ seed: 2 })), runColumn('busy', saturated)]);
    assert.match(runsVerdict(comparison), /Caution: the generator was saturated in busy, so its latencies overstate the broker's\.$/);
  });

  it('prints the verdict, then latency, throughput, errors and cost, regressions first, colour only when asked', () => {
    const comparison = compareColumns(columns(['before', before], ['after', after]));
    const text = formatComparison(comparison);
    assert.ok(text.startsWith('after against before'));
    assert.ok(!text.includes(`${ESC}[`), 'no colour unless a Paint is given');
    const headers = text
      .slice(text.indexOf('\n\n'))
      .split('\n')
      .filter((l) => /^(latency|throughput|errors|cost)\s/.test(l))
      .map((l) => l.split(/\s+/)[0]);
    assert.deepEqual(headers, ['latency', 'throughput', 'errors']);
    const latency = shownRows(comparison, false)
      .filter((r) => r.group === 'latency')
      .map((r) => r.metric);
    assert.deepEqual(
      latency.slice(0, 3),
      ['publishAckUs.p50', 'publishAckUs.p90', 'publishAckUs.p99'],
      'the histogram with a regression first, its statistics together',
    );
    const line = text.split('\n').find((l) => l.startsWith('connect → CONNACK p99 '))!;
    assert.deepEqual(line.split(/\s{2,}/), ['connect → CONNACK p99', '80.0', '38.0', '−42.0', '0.47×']);
    const coloured = formatComparison(comparison, { paint: ANSI_PAINT });
    assert.ok(coloured.includes(`${ESC}[31mpublish → ack (from plan) p99 `), 'a regression in red');
    assert.ok(coloured.includes(`${ESC}[32mconnect → CONNACK p99 `), 'an improvement in green');
    assert.ok(coloured.includes(`${ESC}[90mpublish → ack (from plan) p50 `), 'within noise in grey');
  });

  it('compares the groups of one run', () => {
    const result = fixtureResult({ seed: 5 });
    const comparison = compareGroups(result);
    assert.deepEqual(comparison.labels, ['ec', 'rsa']);
    const signP50 = comparison.rows.find((r) => r.metric === 'signUs.p50')!;
    assert.deepEqual(signP50.values, [result.groups['ec']!.histograms['signUs']!.summary.p50, result.groups['rsa']!.histograms['signUs']!.summary.p50]);
    assert.equal(signP50.ratios[1], (signP50.values[1] as number) / (signP50.values[0] as number));
    assert.match(
      groupsVerdict(comparison),
      /^rsa against ec in one run \(noise band ±10%\): signing a token takes ec [\d.]+ ms and rsa [\d.]+ ms at p50 \(rsa 1\.\d\d× dearer\)/,
    );
  });
});
