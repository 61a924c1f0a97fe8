import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeHistogram, mergeResults } from '../../src/api/report.js';
import { loadScenario, run, type RunResult } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-shards-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const count = (r: RunResult, name: string): number => decodeHistogram(r.total.histograms[name]!.encoded).totalCount;

describe('a scenario split into shards', () => {
  it('three shards started together equal the whole run: disjoint devices, same counts, first stages within 100 ms', async () => {
    const file = join(dir, 'sharded.yaml');
    writeFileSync(
      file,
      `name: sharded
workers: 1
groups:
  - { name: ec, count: 12, keys: { store: ${join(dir, 'ec.json')} } }
  - { name: ed, count: 6, idPattern: "ed-{index}", alg: EdDSA, keys: { store: ${join(dir, 'ed.json')} } }
stages:
  - type: connect
    rate: 60/s
  - type: publish
    rate: 4/s
    count: 6
  - type: disconnect
`,
    );
    const loaded = await loadScenario(file);
    const whole = await run(loaded);
    const startAtMs = Date.now() + 4000;
    const shards = await Promise.all([0, 1, 2].map((index) => run(loaded, { shard: { index, count: 3 }, startAtMs })));
    shards.forEach((shard, index) => {
      assert.equal(shard.status, 'complete', shard.statusReason);
      assert.deepEqual({ index: shard.shard?.index, count: shard.shard?.count }, { index, count: 3 });
      assert.equal(shard.total.counters['devices'], 6);
      assert.equal(shard.shard?.firstStageLateMs, 0, 'ready before --start-at');
    });
    const starts = shards.map((s) => Date.parse(s.stages[0]!.startedAt));
    assert.ok(Math.max(...starts) - Math.min(...starts) <= 100, `first stages began at ${starts.join(', ')}`);
    const merged = mergeResults(shards.map((result, i) => ({ result, file: `shard-${i}.json` })));
    assert.deepEqual(merged.shards?.missing, []);
    for (const name of ['devices', 'connected', 'published', 'acked', 'disconnected', 'tokensSigned']) {
      assert.equal(merged.total.counters[name], whole.total.counters[name], name);
    }
    for (const name of ['connectUs', 'publishAckUs', 'signUs']) assert.equal(count(merged, name), count(whole, name), name);
    assert.equal(merged.groups['ed']?.counters['acked'], 36);
    assert.equal(whole.total.counters['acked'], 108);
  });
});

describe('run --processes', () => {
  it('runs N shard processes against one embedded broker and merges them into one report', async () => {
    const { runCli } = await import('./cli.js');
    const { readdirSync, readFileSync } = await import('node:fs');
    const file = join(dir, 'processes.yaml');
    writeFileSync(
      file,
      `name: processes
workers: 1
# The merge of the shards is under test, not the speed of a shared machine: exit 0 exactly.
judgeGenerator: false
groups:
  - { name: g, count: 9, keys: { store: ${join(dir, 'p.json')} } }
stages:
  - type: connect
    rate: 50/s
  - type: publish
    rate: 5/s
    count: 5
  - type: disconnect
`,
    );
    const reports = join(dir, 'proc-reports');
    const cli = await runCli(['run', file, '--processes', '3', '--report-dir', reports, '--no-html']);
    assert.equal(cli.code, 0, cli.stderr);
    // Named as `merge` names it: <report-dir>/<run-id>/<run-id>-merged.json.
    const [runId] = readdirSync(reports);
    const merged = JSON.parse(readFileSync(join(reports, runId!, `${runId}-merged.json`), 'utf8')) as RunResult;
    assert.deepEqual(merged.shards?.present.sort(), [0, 1, 2]);
    assert.equal(merged.total.counters['connected'], 9);
    assert.equal(merged.total.counters['acked'], 45);
    assert.equal(merged.broker.kind, 'embedded');
    assert.equal(merged.broker.metrics?.counters['auth.accepted'], 9, 'one broker saw every device');
    assert.equal(merged.broker.metrics?.counters['messagesIn'], 45);
    assert.equal(count(merged, 'publishAckUs'), 45);
  });

  it('shares the cores out when the scenario leaves workers out: max(1, cores ÷ N) worker threads per shard', async () => {
    const { runCli } = await import('./cli.js');
    const { readdirSync, readFileSync } = await import('node:fs');
    const { availableParallelism } = await import('node:os');
    const file = join(dir, 'shared-cores.yaml');
    writeFileSync(
      file,
      `name: shared-cores
judgeGenerator: false
groups:
  - { name: g, count: 6, keys: { store: ${join(dir, 'c.json')} } }
stages:
  - { type: connect, rate: 50/s }
  - { type: disconnect }
`,
    );
    const reports = join(dir, 'cores-reports');
    const cli = await runCli(['run', file, '--processes', '3', '--report-dir', reports, '--no-html']);
    assert.equal(cli.code, 0, cli.stderr);
    const [runId] = readdirSync(reports);
    const want = Math.max(1, Math.floor(availableParallelism() / 3));
    const files = readdirSync(join(reports, runId!)).filter((f) => f.endsWith('.json'));
    const shardFiles = files.filter((f) => !f.endsWith('-merged.json'));
    assert.equal(shardFiles.length, 3, files.join(', '));
    for (const f of shardFiles) {
      const shard = JSON.parse(readFileSync(join(reports, runId!, f), 'utf8')) as RunResult;
      assert.equal(shard.scenario.plan.workers, want, f);
      assert.equal(shard.generator?.workers.length, want, f);
    }
    const merged = JSON.parse(readFileSync(join(reports, runId!, `${runId}-merged.json`), 'utf8')) as RunResult;
    assert.equal(merged.scenario.plan.workers, want);
    assert.equal(merged.total.counters['connected'], 6);
  });
});
