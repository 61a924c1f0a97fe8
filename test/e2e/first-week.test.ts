/** `run --processes` in quick mode (issue 24, item 9): the shards read the quick scenario from a file of their own. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunResult } from '../../src/report/model/run-result.js';
import { runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-first-week-e2e-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('run --processes in quick mode', () => {
  it('runs 2 shard processes from the flags alone and merges them into <run-id>/<run-id>-merged.json', async () => {
    const reports = join(dir, 'reports');
    const cli = await runCli(['run', '--devices', '4', '--duration', '2s', '--processes', '2', '--report-dir', reports, '--no-html', '--progress', 'lines'], {
      cwd: dir,
    });
    assert.ok(cli.code === 0 || cli.code === 6, `exit ${cli.code}: ${cli.stderr}`);
    const [runId] = readdirSync(reports);
    assert.ok(existsSync(join(reports, runId!, 'quick.yaml')), 'the scenario the shards read is kept beside their reports');
    const merged = JSON.parse(readFileSync(join(reports, runId!, `${runId}-merged.json`), 'utf8')) as RunResult;
    assert.deepEqual(merged.shards?.present, [0, 1]);
    assert.equal(merged.total.counters['connected'], 4);
    // 4 devices × 1/s × 2 s.
    assert.equal(merged.total.counters['published'], 8);
  });
});

describe('a shard waiting for --start-at', () => {
  it('says it is waiting, and announces stage 1 only once --start-at has come', async () => {
    const startAtMs = Date.now() + 5000;
    const cli = await runCli(
      [
        'run',
        '--devices',
        '3',
        '--duration',
        '1s',
        '--start-at',
        new Date(startAtMs).toISOString(),
        '--progress',
        'json',
        '--report-dir',
        join(dir, 'start-at'),
        '--no-html',
      ],
      { cwd: dir },
    );
    assert.ok(cli.code === 0 || cli.code === 6, `exit ${cli.code}: ${cli.stderr}`);
    const events = cli.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type: string; atMs: number; index?: number; message?: string });
    const waiting = events.findIndex((e) => e.type === 'phase' && (e.message ?? '').startsWith('waiting for --start-at'));
    const first = events.findIndex((e) => e.type === 'stage' && e.index === 0);
    assert.ok(waiting >= 0 && first > waiting, 'waiting is said before stage 1');
    // Stage 1 is announced when it begins (the coordinator leads its workers by 50 ms), not while the shard waits.
    assert.ok(events[first]!.atMs >= startAtMs - 100, `stage 1 announced ${startAtMs - events[first]!.atMs} ms before --start-at`);
  });
});
