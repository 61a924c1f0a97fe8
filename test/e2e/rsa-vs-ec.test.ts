/**
 * scenarios/rsa-vs-ec.yaml, run small through the CLI against the embedded broker: both groups
 * connect and publish in full, each carries its own broker verify histogram, and `compare --groups`
 * sets sign cost, verify cost, bytes and connect rate side by side. Counts, not timings.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { compareGroups } from '../../src/report/compare/compare.js';
import { BROKER_VERIFY, groupColumns } from '../../src/report/render/group-columns.js';
import type { RunResult } from '../../src/report/model/run-result.js';
import { runResultSchema } from '../../src/report/model/run-result-schema.js';
import { runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-rsa-vs-ec-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const DEVICES = 8;

describe('scenarios/rsa-vs-ec.yaml, small', () => {
  it('runs both groups interleaved; the report and compare --groups show each group with its broker verify cost', async () => {
    const reportDir = join(dir, 'reports');
    const sets = [
      `groups.0.count=${DEVICES}`,
      `groups.1.count=${DEVICES}`,
      'groups.0.keys.size=2',
      `groups.0.keys.store=${join(dir, 'rsa-pool.json')}`,
      `groups.1.keys.store=${join(dir, 'ec.json')}`,
      'stages.0.rate=40/s',
      'stages.1.duration=2s',
      // Not judging the generator: the two groups' figures are under test, not the machine's speed.
      'judgeGenerator=false',
    ].flatMap((s) => ['--set', s]);
    const run = await runCli(['run', 'scenarios/rsa-vs-ec.yaml', ...sets, '--report-dir', reportDir, '--quiet']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /\ngroups\n.*\nrsa +RS256-2048 +8 .*\nec +ES256 +8 /);
    const file = join(reportDir, readdirSync(reportDir).find((f) => f.endsWith('.json')) as string);
    const result = JSON.parse(readFileSync(file, 'utf8')) as RunResult;
    assert.equal(runResultSchema.safeParse(result).success, true);
    assert.deepEqual(Object.keys(result.groups), ['rsa', 'ec']);
    assert.deepEqual(
      result.scenario.plan.stages.map((s) => ('order' in s ? s.order : '-')),
      ['interleaved', 'interleaved', '-'],
    );

    const broker = result.broker.metrics?.histograms ?? {};
    assert.equal(broker['verifyUs.RS256']?.summary.count, DEVICES);
    assert.equal(broker['verifyUs.ES256']?.summary.count, DEVICES);
    for (const column of groupColumns(result)) {
      const s = column.section;
      assert.equal(s.counters['connected'], DEVICES, column.label);
      assert.equal(s.counters['acked'], DEVICES * 2, column.label);
      assert.equal(s.histograms['signUs']?.summary.count, DEVICES, `${column.label}: one signature per device`);
      assert.equal(s.histograms[BROKER_VERIFY]?.summary.count, DEVICES, `${column.label}: the broker verified each device once`);
      assert.equal(s.histograms['connectDoneUs']?.summary.count, DEVICES);
      assert.equal(s.counters['connackBytes'], DEVICES * 4, `${column.label}: an MQTT 3.1.1 CONNACK is 4 bytes`);
    }
    assert.equal(groupColumns(result)[0]?.section.histograms[BROKER_VERIFY]?.encoded, broker['verifyUs.RS256']?.encoded);

    const rows = Object.fromEntries(compareGroups(result).rows.map((r) => [r.metric, r.values]));
    const [rsaBytes, ecBytes] = rows['connectBytes.perConnect'] as [number, number];
    // RS256-2048 signs 256 bytes, ES256 64 (RFC 7518 §3.3, §3.4): 342 and 86 in base64url. The ids
    // differ by one character, once in the client id and once in the aud (1 or 2 base64url characters).
    assert.ok(rsaBytes - ecBytes >= 342 - 86 + 2 && rsaBytes - ecBytes <= 342 - 86 + 3, `CONNECT bytes ${rsaBytes} and ${ecBytes}`);
    assert.deepEqual(rows['connackBytes.perConnect'], [4, 4]);
    assert.ok((rows['connect.rate'] as number[]).every((r) => r > 0));
    assert.ok(rows['brokerVerifyUs.p50']?.every((v) => v !== null && v > 0));

    const compare = await runCli(['compare', file, '--groups', '--all', '--html', join(dir, 'groups.html')]);
    assert.equal(compare.code, 0, compare.stderr);
    for (const label of [
      'sign (token) p50',
      'broker verify (embedded) p50',
      'connect → CONNACK p99',
      'CONNECT size (bytes)',
      'CONNACK size (bytes)',
      'token size (bytes)',
      'connects per second achieved',
    ]) {
      assert.match(compare.stdout, new RegExp(`^${label.replace(/[()]/g, '\\$&')}  `, 'm'), label);
    }
    // The finding in words, first: sign and verify cost, token and CONNECT bytes, connect latency.
    assert.match(
      compare.stdout.replace(/\n/g, ' '),
      /^ec against rsa in one run \(noise band ±10%\): signing a token takes rsa [\d.]+ ms and ec [\d.]+ ms at p50 \(/,
    );
    const tokens = /a token is (\d+) B and (\d+) B \(ec [\d.]+× smaller\); a CONNECT \d+ B and \d+ B \(ec [\d.]+× smaller\)/.exec(
      compare.stdout.replace(/\n/g, ' '),
    );
    assert.ok(tokens !== null, compare.stdout);
    const tokenDiff = Number(tokens[1]) - Number(tokens[2]);
    assert.ok(tokenDiff >= 342 - 86 && tokenDiff <= 342 - 86 + 2, `token bytes differ by the signatures (and an id's character): ${tokenDiff}`);
    assert.match(readFileSync(join(dir, 'groups.html'), 'utf8'), /<section class="verdict" id="verdict"><h2>Verdict<\/h2>\n<p>ec against rsa in one run/);
    assert.match(readFileSync(join(dir, 'groups.html'), 'utf8'), /broker verify \(embedded\): latency by percentile/);
    const html = readFileSync(file.replace(/\.json$/, '.html'), 'utf8');
    assert.equal((html.match(/<td>broker verify \(embedded\)<\/td>/g) ?? []).length, 2, 'each group table has its broker verify row');
  });
});
