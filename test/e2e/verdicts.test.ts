/**
 * Verdicts a pipeline can trust, through the CLI: a run that did not happen exits 5, shards record
 * thresholds unjudged and exit 0, `merge` judges the whole once and refuses other runs, and a
 * shard too late for --start-at does not run.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { formatRegistry } from '../../src/identity/registry-file.js';
import type { RunResult } from '../../src/report/model/run-result.js';
import { EC_PUBLIC_PEM } from '../broker/helpers.js';
import { repoPath } from '../helpers.js';
import { runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-verdicts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const read = (file: string): RunResult => JSON.parse(readFileSync(file, 'utf8')) as RunResult;

function scenario(name: string, devices: number): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
workers: 1
groups:
  - { name: g, count: ${devices}, keys: { store: ${join(dir, `${name}-keys.json`)} } }
stages:
  - type: connect
    rate: 100/s
  - type: publish
    rate: 5/s
    count: 5
  - type: disconnect
`,
  );
  return file;
}

/** `mqtt-jwt-bench broker` that knows one device only, on a free port. */
async function strangerBroker(): Promise<{ url: string; stop: () => Promise<void> }> {
  const registry = join(dir, 'other.csv');
  writeFileSync(registry, formatRegistry([{ deviceId: 'someone-else', alg: 'ES256', publicKey: EC_PUBLIC_PEM }], 'csv'));
  const child = spawn(process.execPath, [repoPath('dist/src/cli/main.js'), 'broker', '--port', '0', '--registry', registry], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const port = /listening mqtt:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1];
      if (port !== undefined) resolve(`mqtt://127.0.0.1:${port}`);
    });
    void closed.then(() => reject(new Error(`broker exited: ${out}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await closed;
    },
  };
}

describe('a run that did not happen', () => {
  it('exits 5, failed, when the broker knows none of the devices; --expect refusals makes it the point of the run', async () => {
    const broker = await strangerBroker();
    try {
      const file = scenario('strangers', 4);
      const reports = join(dir, 'strangers');
      const cli = await runCli(['run', file, '--broker', broker.url, '--report-dir', reports, '--quiet', '--no-html']);
      assert.equal(cli.code, 5, cli.stderr);
      assert.match(
        cli.stdout,
        /· FAILED: DID NOT RUN[^(]*\(stopped early: stage 1 \(connect\): every connect failed \(not-authorized 4 of 4\): check the broker's credentials/,
      );
      const [name] = readdirSync(reports);
      const result = read(join(reports, name!));
      assert.equal(result.status, 'failed');
      assert.match(result.planShare?.notRun ?? '', /^stopped early: stage 1 \(connect\): every connect failed \(not-authorized 4 of 4\)/);
      assert.equal(result.total.connectFailures['not-authorized'], 4);
      const expected = await runCli([
        'run',
        file,
        '--broker',
        broker.url,
        '--expect',
        'refusals',
        '--report-dir',
        join(dir, 'refusals'),
        '--quiet',
        '--no-html',
      ]);
      assert.equal(expected.code, 0, expected.stderr);
      assert.match(expected.stdout, /refusals expected/);
    } finally {
      await broker.stop();
    }
  });
});

describe('shards: judged once, on the whole', () => {
  it('a shard records its thresholds unjudged and exits 0; merge judges them on the whole, names its output after the run, and refuses another run', async () => {
    const file = scenario('sharded', 6);
    const reports = join(dir, 'sharded');
    // 6 devices × 5 messages: each shard of 2 acks 15, the whole 30.
    const threshold = 'acked.count>=30';
    const startAt = new Date(Date.now() + 6000).toISOString();
    const shards = await Promise.all(
      [0, 1].map((i) =>
        runCli([
          'run',
          file,
          '--shard',
          `${i}/2`,
          '--start-at',
          startAt,
          '--run-id',
          'verdicts-1',
          '--threshold',
          threshold,
          '--report-dir',
          reports,
          '--quiet',
          '--no-html',
        ]),
      ),
    );
    for (const shard of shards) assert.equal(shard.code, 0, shard.stderr);
    const files = readdirSync(join(reports, 'verdicts-1')).map((f) => join(reports, 'verdicts-1', f));
    assert.equal(files.length, 2);
    for (const f of files) {
      const r = read(f);
      assert.equal(r.runId, 'verdicts-1');
      assert.deepEqual(r.thresholds, []);
      assert.deepEqual(
        r.unjudgedThresholds?.map((t) => t.expression),
        [threshold],
      );
      assert.equal(r.planShare?.messagesPlanned, 15);
    }
    const merged = await runCli(['merge', ...files, '--no-html', '--quiet']);
    assert.equal(merged.code, 0, merged.stderr);
    const out = join(reports, 'verdicts-1', 'verdicts-1-merged.json');
    const whole = read(out);
    assert.deepEqual(
      whole.thresholds.map((t) => [t.expression, t.actual, t.passed]),
      [[threshold, 30, true]],
    );
    assert.equal(whole.status, 'complete');

    // A shard of another run (or of an earlier run on the same volume) is refused, naming both files.
    const other = join(reports, 'other');
    const late = await runCli([
      'run',
      file,
      '--shard',
      '1/2',
      '--start-at',
      new Date(Date.now() - 60_000).toISOString(),
      '--max-late',
      '1s',
      '--run-id',
      'verdicts-2',
      '--report-dir',
      other,
      '--quiet',
      '--no-html',
    ]);
    // Ready a minute after --start-at, with --max-late 1s: the shard does not run, and says so.
    assert.equal(late.code, 5, late.stderr);
    const lateFile = join(other, 'verdicts-2', readdirSync(join(other, 'verdicts-2'))[0]!);
    const lateResult = read(lateFile);
    assert.equal(lateResult.status, 'failed');
    assert.match(lateResult.planShare?.notRun ?? '', /after --start-at .*, over --max-late 1000 ms: this shard did not run/);
    assert.equal(lateResult.total.counters['connected'] ?? 0, 0);
    const mixed = await runCli(['merge', files.find((f) => f.includes('shard-0'))!, lateFile, '--no-html']);
    assert.equal(mixed.code, 2);
    assert.match(
      mixed.stderr,
      /^error: merge: .*verdicts-2.*shard-1-of-2\.json is of run verdicts-2, but .*shard-0-of-2\.json is of run verdicts-1; only the shards of one run merge$/m,
    );

    // The merged report of one run is never silently replaced by another's.
    const clash = await runCli(['merge', lateFile, '-o', out, '--no-html']);
    assert.equal(clash.code, 2);
    assert.match(clash.stderr, /already exists and holds run verdicts-1; not overwritten/);
    assert.equal(read(out).runId, 'verdicts-1');
  });

  it('run --processes: the shards exit 0 with thresholds unjudged, and the merged whole is judged once', async () => {
    const file = scenario('procs', 6);
    const reports = join(dir, 'procs');
    // Not judging the generator (--set reaches every shard and the merged plan): the thresholds'
    // verdict is under test, and they pass, so exactly 0 (99 would say otherwise).
    const cli = await runCli([
      'run',
      file,
      '--processes',
      '2',
      '--set',
      'judgeGenerator=false',
      '--threshold',
      'acked.count>=30',
      '--report-dir',
      reports,
      '--no-html',
      '--progress',
      'lines',
    ]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stderr, /shard 0\/2 exited 0/);
    assert.match(cli.stderr, /shard 1\/2 exited 0/);
    // Named as `merge` names it: <run-id>/<run-id>-merged.json, beside its shards.
    const [runId] = readdirSync(reports);
    const merged = read(join(reports, runId!, `${runId}-merged.json`));
    assert.deepEqual(
      merged.thresholds.map((t) => [t.actual, t.passed]),
      [[30, true]],
    );
    const runDir = join(reports, merged.runId!);
    assert.ok(existsSync(runDir), `shards in ${runDir}`);
    for (const f of readdirSync(runDir).filter((f) => f.includes('-shard-'))) assert.deepEqual(read(join(runDir, f)).thresholds, []);
  });
});
