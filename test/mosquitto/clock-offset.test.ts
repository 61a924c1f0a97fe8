/**
 * Cross-shard latency stays true when the shards' clocks disagree. Two shard processes against
 * mosquitto: the subscriber (device 0) in shard 0, the one publisher (device 1) in shard 1, whose
 * clock is skewed by a fault 50 ms ahead, as a shard on another machine may be. The clock probe
 * must find the offset within 2 ms; corrected, the cross-shard uplink p50 must agree with a run of
 * one process (one clock); uncorrected, every message must look as if it arrived before it was sent.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunResult } from '../../src/index.js';
import { mergeResults } from '../../src/api/report.js';
import { MosquittoBroker } from './broker.js';
import { requireMosquittoTools, skipWithoutMosquitto } from './tools.js';
import { runCli } from '../e2e/cli.js';

const skip = skipWithoutMosquitto();
const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-clock-'));
const SKEW_MS = 50;
const MESSAGES = 40;
let broker: MosquittoBroker | undefined;

before(async () => {
  if (skip === false) broker = await MosquittoBroker.start(requireMosquittoTools().mosquitto, { dir, websockets: false, allowAnonymous: true });
});
after(async () => {
  await broker?.stop();
  if (process.env['KEEP'] === undefined) rmSync(dir, { recursive: true, force: true });
});

function scenarioFile(): string {
  const file = join(dir, 'clock.yaml');
  writeFileSync(
    file,
    `name: clock
broker: mqtt://127.0.0.1:${broker?.port ?? 0}
workers: 1
groups:
  - { name: sub, count: 1, idPattern: 'sub-{index}', keys: { mode: pool, size: 1, store: ${join(dir, 'sub.json')} } }
  - { name: sensor, count: 1, keys: { mode: pool, size: 1, store: ${join(dir, 'sensor.json')} }, payload: { json: { ts: '{timestamp}' } } }
stages:
  - type: connect
    rate: 20/s
  - { type: subscribe, groups: [sub], topic: '/up/device/id/+', measure: uplink }
  # Stages keep time per shard: shard 1, with nothing to subscribe, waits here for shard 0's subscription.
  - { type: hold, duration: 1s }
  - { type: publish, groups: [sensor], rate: 20/s, count: ${MESSAGES} }
  # Shard 0 has no publisher, so its publish stage ends at once: its subscriber holds on while shard 1 publishes (2 s).
  - { type: hold, duration: 3s }
  - type: disconnect
minSentPercent: 0
`,
  );
  return file;
}

/** Shard 0 and shard 1 (its clock skewed) as two processes, started together; their reports. */
async function twoShards(name: string, sets: string[]): Promise<RunResult[]> {
  const reportDir = join(dir, name);
  const startAt = new Date(Date.now() + 5000).toISOString();
  const runs = await Promise.all(
    [0, 1].map((i) =>
      runCli(
        [
          'run',
          scenarioFile(),
          ...sets,
          '--shard',
          `${i}/2`,
          '--start-at',
          startAt,
          '--run-id',
          `clock-${name}`,
          '--report-dir',
          reportDir,
          '--quiet',
          '--no-html',
        ],
        i === 1 ? { faults: { clockSkewMs: SKEW_MS } } : {},
      ),
    ),
  );
  runs.forEach((r, i) => assert.equal(r.code, 0, `shard ${i}: exit ${r.code}: ${r.stderr}`));
  const runDir = join(reportDir, `clock-${name}`);
  return readdirSync(runDir)
    .map((f) => JSON.parse(readFileSync(join(runDir, f), 'utf8')) as RunResult)
    .sort((a, b) => (a.shard?.index ?? 0) - (b.shard?.index ?? 0));
}

const uplink = (result: RunResult) => result.total.histograms['uplinkUs']?.summary;

describe('clock offsets between shards', { skip }, () => {
  let oneClockP50Ms = 0;

  it('a run of one process has one clock: no probe, no clock section', async () => {
    const reportDir = join(dir, 'one');
    const run = await runCli(['run', scenarioFile(), '--report-dir', reportDir, '--quiet', '--no-html', '--json-line']);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as RunResult;
    assert.equal(result.clock, undefined);
    assert.equal(uplink(result)?.count, MESSAGES);
    oneClockP50Ms = (uplink(result)?.p50 ?? 0) / 1000;
  });

  it(`finds a ${SKEW_MS} ms offset within 2 ms, corrects the cross-shard latency by it, and merge keeps each shard's offset`, async () => {
    const [shard0, shard1] = await twoShards('corrected', []);
    assert.ok(shard0 !== undefined && shard1 !== undefined);
    assert.deepEqual(
      shard0.clock?.workers.map((w) => [w.role, w.offsetMs]),
      [['reference', 0]],
    );
    const follower = shard1.clock?.workers[0];
    assert.ok(follower !== undefined && follower.offsetMs !== null && follower.uncertaintyMs !== null, JSON.stringify(shard1.clock));
    assert.equal(follower.role, 'follower');
    assert.equal(follower.corrected, true);
    assert.ok(Math.abs(follower.offsetMs + SKEW_MS) <= 2, `offset ${follower.offsetMs} ms for a skew of ${SKEW_MS} ms`);
    assert.ok(Math.abs(follower.offsetMs + SKEW_MS) <= follower.uncertaintyMs + 0.5, `offset ${follower.offsetMs} ± ${follower.uncertaintyMs}`);
    // Every uplink message crossed shards (publisher in shard 1, subscriber in shard 0).
    const h = uplink(shard0);
    assert.equal(h?.count, MESSAGES);
    assert.equal(shard0.total.counters['negativeLatency'] ?? 0, 0);
    // The payload's {timestamp} has millisecond resolution: the p50s agree to it plus the uncertainty.
    const p50Ms = (h?.p50 ?? 0) / 1000;
    assert.ok(Math.abs(p50Ms - oneClockP50Ms) <= follower.uncertaintyMs + 1, `cross-shard p50 ${p50Ms} ms, one clock ${oneClockP50Ms} ms`);
    const merged = mergeResults([shard0, shard1].map((result, i) => ({ result, file: `shard-${i}` })));
    assert.deepEqual(
      merged.clock?.workers.map((w) => [w.shard, w.role]),
      [
        [0, 'reference'],
        [1, 'follower'],
      ],
    );
  });

  it('measured but not corrected (clock.correct: false), every cross-shard message seems to arrive before it was sent', async () => {
    const [shard0, shard1] = await twoShards('uncorrected', ['--set', 'clock.correct=false']);
    const follower = shard1?.clock?.workers[0];
    assert.equal(follower?.corrected, false);
    assert.ok(Math.abs((follower?.offsetMs ?? 0) + SKEW_MS) <= 2, JSON.stringify(follower));
    assert.equal(shard0?.total.counters['negativeLatency'], MESSAGES);
    assert.ok(
      shard0?.caveats?.some((c) => c.kind === 'clock-uncertain'),
      JSON.stringify(shard0?.caveats),
    );
  });
});
