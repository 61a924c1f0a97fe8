/** Output other programs read: `--json-line --quiet` and `--progress json` carry JSON and nothing else. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunResult } from '../../src/report/model/run-result.js';
import { runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-machine-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const small = (duration: string): string[] => [
  'run',
  'scenarios/quickstart.yaml',
  '--set',
  'groups.0.count=10',
  '--set',
  'stages.0.rate=200/s',
  '--set',
  `stages.1.duration=${duration}`,
  '--set',
  `groups.0.keys.store=${join(dir, 'keys.json')}`,
  '--set',
  'workers=1',
  // Not judging the generator: the output's form is under test, not the shared machine's speed.
  '--set',
  'judgeGenerator=false',
];

describe('machine-readable output', () => {
  it('--json-line --quiet prints exactly one JSON document on stdout', async () => {
    const cli = await runCli([...small('2s'), '--json-line', '--quiet', '--report-dir', join(dir, 'r1')]);
    assert.equal(cli.code, 0, cli.stderr);
    const result = JSON.parse(cli.stdout) as RunResult;
    assert.equal(result.status, 'complete');
    assert.equal(result.total.counters['acked'], 20);
    assert.equal(cli.stdout.trimEnd().split('\n').length, 1);
  });

  it('--json-line without --quiet keeps stdout to the JSON and says the rest on stderr', async () => {
    const cli = await runCli([...small('1s'), '--json-line', '--progress', 'none', '--report-dir', join(dir, 'r2')]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal((JSON.parse(cli.stdout) as RunResult).status, 'complete');
    assert.match(cli.stderr, /report: /);
  });

  it('--progress json carries only JSON on stderr: the signal is an event, and a last done event names the reports', async () => {
    let sent = false;
    const cli = await runCli([...small('30s'), '--progress', 'json', '--report-dir', join(dir, 'r3')], {
      onStderr: (text, child) => {
        if (!sent && /"type":"stage","index":1/.test(text)) {
          sent = true;
          child.kill('SIGTERM');
        }
      },
    });
    assert.equal(cli.code, 130, cli.stderr);
    const lines = cli.stderr.trimEnd().split('\n');
    const events = lines.map((line) => JSON.parse(line) as { type: string; [k: string]: unknown });
    assert.ok(events.some((e) => e.type === 'signal' && e['signal'] === 'SIGTERM'));
    const done = events.at(-1) as { type: string; status: string; exitCode: number; reports: string[] };
    assert.equal(done.type, 'done');
    assert.deepEqual([done.status, done.exitCode], ['interrupted', 130]);
    assert.equal(done.reports.length, 2);
    for (const file of done.reports) assert.ok(existsSync(file), file);
    // The interrupted run says how much of its plan ran (10 devices × 30 messages were planned).
    const report = JSON.parse(readFileSync(done.reports[0]!, 'utf8')) as RunResult;
    assert.equal(report.planShare?.messagesPlanned, 300);
    assert.match(report.caveats?.find((c) => c.kind === 'interrupted')?.message ?? '', /^interrupted after \d+ of 300 messages \([\d.]+%\) of the plan$/);
  });

  it('--progress json reports bad input as an error event, not as a text line', async () => {
    const cli = await runCli([...small('1s'), '--progress', 'json', '--threshold', 'conect.p(99)<5ms', '--report-dir', join(dir, 'r4')]);
    assert.equal(cli.code, 2);
    const events = cli.stderr
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; exitCode?: number });
    assert.deepEqual(
      events.map((e) => [e.type, e.exitCode]),
      [['error', 2]],
    );
  });
});
