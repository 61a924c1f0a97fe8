/** `run --processes` in quick mode (issue 24, item 9): the shards read the quick scenario from a file of their own. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunResult } from '../../src/report/model/run-result.js';
import { finishedRun, runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-first-week-e2e-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('run --processes in quick mode', () => {
  it('runs 2 shard processes from the flags alone and merges them into <run-id>/<run-id>-merged.json', async () => {
    const reports = join(dir, 'reports');
    const cli = await runCli(['run', '--devices', '4', '--duration', '2s', '--processes', '2', '--report-dir', reports, '--no-html', '--progress', 'lines'], {
      cwd: dir,
    });
    assert.ok(finishedRun(cli.code), `exit ${cli.code}: ${cli.stderr}`);
    const [runId] = readdirSync(reports);
    assert.ok(existsSync(join(reports, runId!, 'quick.yaml')), 'the scenario the shards read is kept beside their reports');
    const merged = JSON.parse(readFileSync(join(reports, runId!, `${runId}-merged.json`), 'utf8')) as RunResult;
    assert.deepEqual(merged.shards?.present, [0, 1]);
    assert.equal(merged.total.counters['connected'], 4);
    // 4 devices × 1/s × 2 s.
    assert.equal(merged.total.counters['published'], 8);
  });
});
