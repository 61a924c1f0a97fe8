import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import type { RunResult } from '../../src/report/model/run-result.js';
import { runResultSchema } from '../../src/report/model/run-result-schema.js';
import { runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-e2e-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function scenario(name: string, body: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, body);
  return file;
}

function readReport(reportDir: string): { result: RunResult; text: string } {
  const files = readdirSync(reportDir).filter((f) => f.endsWith('.json'));
  assert.equal(files.length, 1, `one report in ${reportDir}: ${files.join(', ')}`);
  const text = readFileSync(join(reportDir, files[0]!), 'utf8');
  return { result: JSON.parse(text) as RunResult, text };
}

const count = (result: RunResult, name: string): number => decodeHistogram(result.total.histograms[name]!.encoded).totalCount;

// judgeGenerator: false: these runs test what the harness did, not the speed of a shared machine,
// so each exits 0 exactly (the generator's verdict is tested in generator.test.ts, behind-plan.test.ts).
const twenty = (keystore: string): string => `name: e2e-twenty
workers: 2
groups:
  - name: sensors
    count: 20
    alg: ES256
    keys: { store: ${keystore} }
stages:
  - type: connect
    rate: 100/s
  - type: publish
    rate: 5/s
    count: 10
    qos: 1
  - type: disconnect
judgeGenerator: false
`;

describe('a whole run through the CLI, the worker pool and the embedded broker', () => {
  const keystore = join(dir, 'keys', 'e2e.json');
  const file = scenario('twenty', twenty(keystore));

  it('connects 20 devices, publishes and acks exactly the planned count, and the histograms agree', async () => {
    const reportDir = join(dir, 'reports-1');
    const run = await runCli(['run', file, '--report-dir', reportDir, '--quiet']);
    assert.equal(run.code, 0, run.stderr);
    const { result, text } = readReport(reportDir);
    assert.equal(result.schemaVersion, 2);
    assert.equal(result.status, 'complete');
    // The generator's figures are there, unjudged, and the summary says so.
    assert.equal(result.generator?.judged, false);
    assert.equal(result.generator?.workers.length, 2);
    assert.match(run.stdout, /^GENERATOR NOT JUDGED \(judgeGenerator: false\)/m);
    assert.equal(runResultSchema.safeParse(result).success, true, 'the report matches docs/run-result.schema.json');
    const c = result.total.counters;
    assert.equal(c['devices'], 20);
    assert.equal(c['connected'], 20);
    assert.equal(c['keysGenerated'], 20);
    assert.equal(c['published'], 200);
    assert.equal(c['acked'], 200);
    assert.equal(c['disconnected'], 20);
    assert.deepEqual(result.total.connectFailures, {});
    assert.deepEqual(result.total.errors, {});
    assert.equal(count(result, 'signUs'), 20);
    assert.equal(count(result, 'connectUs'), c['connected']);
    assert.equal(count(result, 'publishAckUs'), c['acked']);
    assert.equal(count(result, 'publishAckUncorrectedUs'), c['acked']);
    assert.equal(result.groups['sensors']?.counters['acked'], 200);
    // The broker's own view agrees.
    const broker = result.broker.metrics!;
    assert.equal(broker.counters['auth.accepted'], 20);
    assert.equal(broker.counters['messagesIn'], 200);
    assert.equal(decodeHistogram(broker.histograms['verifyUs.ES256']!.encoded).totalCount, 20);
    // Timeline seconds add up to the totals.
    assert.equal(
      result.timeline.reduce((n, p) => n + p.acked, 0),
      200,
    );
    assert.equal(
      result.timeline.reduce((n, p) => n + p.connects, 0),
      20,
    );
    // Each stage's section holds exactly its own work, and the stages add up to the run.
    assert.deepEqual(
      result.stages.map((s) => s.type),
      ['connect', 'publish', 'disconnect'],
    );
    const [connect, publish, disconnect] = result.stages;
    assert.deepEqual([connect?.total.counters['connected'], connect?.total.counters['published']], [20, undefined]);
    assert.deepEqual([publish?.total.counters['published'], publish?.total.counters['acked'], publish?.groups['sensors']?.counters['acked']], [200, 200, 200]);
    assert.equal(decodeHistogram(publish!.total.histograms['publishAckUs']!.encoded).totalCount, 200);
    assert.equal(disconnect?.total.counters['disconnected'], 20);
    // Every worker watched its own event loop, all run long.
    assert.ok(count(result, 'eventLoopDelayUs') > 0);
    assert.equal(result.groups['sensors']?.histograms['eventLoopDelayUs'], undefined);
    assert.deepEqual(result.thresholds, []);
    // The HTML report sits beside the JSON.
    const html = readFileSync(
      join(
        reportDir,
        readdirSync(reportDir).find((f) => f.endsWith('.html'))!,
      ),
      'utf8',
    );
    assert.match(html, /<figure class="chart" id="latency-publishAckUs"/);
    assert.doesNotMatch(html, /PRIVATE KEY|<script/);
    // The summary reached stdout; no secret reached the report.
    assert.match(run.stdout, /connected 20 .* published 200 · acked 200/);
    assert.doesNotMatch(text, /PRIVATE KEY|eyJ[A-Za-z0-9_-]{10,}\./);
    assert.equal(statSync(keystore).mode & 0o777, 0o600);
  });

  it('reuses the keystore on the next run, and exits 99 when a --threshold is crossed', async () => {
    const reportDir = join(dir, 'reports-2');
    const before = readFileSync(keystore, 'utf8');
    const run = await runCli([
      'run',
      file,
      '--report-dir',
      reportDir,
      '--quiet',
      '--no-html',
      '--threshold',
      'acked.count==200',
      '--threshold',
      'acked.count<200',
    ]);
    assert.equal(run.code, 99, run.stderr);
    assert.match(run.stdout, /thresholds: 1 passed, 1 failed\n {2}✓ acked.count==200 {2}200 \(limit 200\)\n {2}✗ acked.count<200 {2}200 \(limit 200\)/);
    const { result } = readReport(reportDir);
    assert.deepEqual(
      readdirSync(reportDir).filter((f) => f.endsWith('.html')),
      [],
    );
    assert.deepEqual(
      result.thresholds.map((t) => [t.expression, t.source, t.actual, t.passed]),
      [
        ['acked.count==200', 'cli', 200, true],
        ['acked.count<200', 'cli', 200, false],
      ],
    );
    assert.equal(result.total.counters['keysGenerated'], undefined);
    assert.equal(result.total.counters['acked'], 200);
    assert.equal(readFileSync(keystore, 'utf8'), before);
  });

  it('renders a saved report again: summary, HTML, .hgrm, CSV, and thresholds checked later', async () => {
    const reportDir = join(dir, 'reports-1');
    const json = join(
      reportDir,
      readdirSync(reportDir).find((f) => f.endsWith('.json'))!,
    );
    const out = join(dir, 'rendered');
    const run = await runCli([
      'report',
      json,
      '--html',
      join(out, 'r.html'),
      '--hgrm',
      join(out, 'hgrm'),
      '--csv',
      join(out, 't.csv'),
      '--threshold',
      'publishAck.p(99)<3600s',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /published 200 · acked 200/);
    assert.match(run.stdout, /✓ publishAck\.p\(99\)<3600s/);
    assert.match(readFileSync(join(out, 'r.html'), 'utf8'), /<svg viewBox/);
    assert.ok(readdirSync(join(out, 'hgrm')).includes('total.publishAckUs.hgrm'));
    // The CSV starts when the load does: second 0 is the first stage's, and no second is missing.
    const csv = readFileSync(join(out, 't.csv'), 'utf8')
      .split('\r\n')
      .filter((l) => l !== '');
    assert.match(csv[1] ?? '', /^0,1 connect,/);
    assert.deepEqual(
      csv.slice(1).map((l) => Number(l.split(',')[0])),
      csv.slice(1).map((_, i) => i),
    );
    assert.equal(
      csv[0],
      'second,stage,connects,connectFailures,published,acked,errors,connected,inFlight,publishAckP50Us,publishAckP99Us,lost,reconnects,refreshes',
    );
    const crossed = await runCli(['report', json, '--quiet', '--threshold', 'connect.p99<1us']);
    assert.equal(crossed.code, 99);
    const bad = await runCli(['report', json, '--threshold', 'connect.p99<soon']);
    assert.equal(bad.code, 2);
    assert.equal(
      bad.stderr,
      '--threshold "connect.p99<soon": "soon" is not a number with an optional unit (us, ms, s, %, /s, /min)\nhint: See "Thresholds" in docs/scenarios.md for the grammar.\n'.replace(
        /^/,
        'error: ',
      ),
    );
  });

  it('compares two runs, and refuses to merge them: two runs are not the shards of one', async () => {
    const [a, b] = ['reports-1', 'reports-2'].map((d) =>
      join(
        dir,
        d,
        readdirSync(join(dir, d)).find((f) => f.endsWith('.json'))!,
      ),
    );
    const compare = await runCli(['compare', a!, b!, '--html', join(dir, 'compare.html')]);
    assert.equal(compare.code, 0, compare.stderr);
    assert.match(compare.stdout, /^messages acked\s+200\s+200\s+0\s+1\.00×$/m);
    // It opens with what differs between the plans (nothing but the runs here), then the verdict.
    assert.match(
      compare.stdout,
      /^plans: the same scenario, devices, rates, broker and versions; only the runs differ\n\n\S+ against \S+ \(noise band ±10%\): /,
    );
    assert.match(readFileSync(join(dir, 'compare.html'), 'utf8'), /id="compare-publishAckUs"/);
    const merged = join(dir, 'merged', 'all.json');
    const merge = await runCli(['merge', a!, b!, '-o', merged, '--quiet']);
    assert.equal(merge.code, 2, merge.stderr);
    assert.match(merge.stderr, /^error: merge: .*reports-2.* is of run \S+, but .*reports-1.* is of run \S+; only the shards of one run merge$/m);
    const result = JSON.parse(readFileSync(a!, 'utf8')) as RunResult;
    const other = scenario('other', twenty('x.json').replace('e2e-twenty', 'e2e-other'));
    const otherReport = join(dir, 'other.json');
    writeFileSync(otherReport, JSON.stringify({ ...result, scenario: { ...result.scenario, name: 'e2e-other', file: other } }));
    const refused = await runCli(['merge', a!, otherReport, '-o', join(dir, 'x.json')]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^error: .*other\.json: a different scenario from .*; only shards of one scenario merge\n$/);
  });

  it('stops a run as soon as an abortOnFail threshold is crossed, and exits 99', async () => {
    const reportDir = join(dir, 'reports-abort');
    const body =
      twenty(join(dir, 'keys', 'abort.json')).replace('count: 10', 'count: 600') + 'thresholds:\n  - threshold: acked.count<50\n    abortOnFail: true\n';
    const run = await runCli(['run', scenario('abort', body), '--report-dir', reportDir, '--quiet']);
    assert.equal(run.code, 99, run.stderr);
    const { result } = readReport(reportDir);
    assert.equal(result.status, 'interrupted');
    assert.equal(result.statusReason, 'threshold crossed: acked.count<50');
    assert.equal(result.thresholds[0]?.passed, false);
    assert.match(result.thresholds[0]?.note ?? '', /stopped it/);
    assert.ok((result.total.counters['acked'] ?? 0) >= 50);
    assert.ok((result.total.counters['acked'] ?? 0) < 20 * 600);
  });

  it('writes a report marked interrupted when stopped by SIGINT', async () => {
    const reportDir = join(dir, 'reports-int');
    const long = scenario('long', twenty(join(dir, 'keys', 'long.json')).replace('count: 10', 'count: 600'));
    let sent = false;
    const run = await runCli(['run', long, '--report-dir', reportDir], {
      onStderr: (text, child) => {
        if (!sent && /stage 2\/3: publish/.test(text)) {
          sent = true;
          setTimeout(() => child.kill('SIGINT'), 1500);
        }
      },
    });
    assert.equal(run.code, 130, run.stderr);
    const { result } = readReport(reportDir);
    assert.equal(result.status, 'interrupted');
    assert.ok((result.total.counters['acked'] ?? 0) > 0);
    assert.ok((result.total.counters['acked'] ?? 0) < 20 * 600);
    assert.equal(result.total.counters['disconnected'], 20);
  });
});

describe('bad input', () => {
  it('exits 2 with one line naming the file, the field and the expectation, and no stack trace', async () => {
    const file = scenario('bad', twenty('x.json').replace('count: 20', 'count: -5'));
    const run = await runCli(['run', file]);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, `error: ${file}:5:12 groups.0.count: Too small: expected number to be >=1 (got -5)\n`);
    assert.equal(run.stdout, '');
  });

  it('exits 2 for a missing file and for an unknown flag', async () => {
    const missing = await runCli(['run', join(dir, 'nope.yaml')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.yaml: cannot read scenario: ENOENT/);
    assert.doesNotMatch(missing.stderr, /\n\s+at /);
    const flag = await runCli(['run', 'scenarios/quickstart.yaml', '--no-such-flag']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /Unknown argument/);
  });
});

describe('an external broker that is down', () => {
  it('exits 3 with a clear error and a hint, before any device connects', async () => {
    const { createServer } = await import('node:net');
    // Find a port with nothing listening: bind one, then close it.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise((resolve) => server.close(resolve));
    const file = scenario('down', twenty(join(dir, 'keys', 'down.json')).replace('workers: 2', `workers: 2\nbroker: mqtt://127.0.0.1:${port}`));
    const run = await runCli(['run', file, '--quiet']);
    assert.equal(run.code, 3);
    assert.equal(
      run.stderr,
      `error: broker mqtt://127.0.0.1:${port} is not reachable: ECONNREFUSED\nhint: Start the broker, or check the host and port in the scenario (or use broker: embedded).\n`,
    );
  });
});

describe('a second Ctrl-C', () => {
  it('forces the exit and still writes a report, marked interrupted and forced', async () => {
    const reportDir = join(dir, 'reports-forced');
    const long = scenario('forced', twenty(join(dir, 'keys', 'forced.json')).replace('count: 10', 'count: 600'));
    let sent = false;
    // Worker 0 stops answering as the first stage starts, so a graceful stop would wait for it.
    const run = await runCli(['run', long, '--report-dir', reportDir, '--progress', 'lines'], {
      faults: { hangMs: 60_000 },
      onStderr: (text, child) => {
        if (!sent && /stage 1\/3: connect/.test(text)) {
          sent = true;
          // Two signals in one instant merge into one (POSIX does not queue them): space them.
          setTimeout(() => child.kill('SIGINT'), 1000);
          setTimeout(() => child.kill('SIGINT'), 1150);
        }
      },
    });
    assert.equal(run.code, 130, run.stderr);
    assert.match(run.stderr, /SIGINT: forcing/);
    const { result } = readReport(reportDir);
    assert.equal(result.status, 'interrupted');
    assert.match(result.statusReason ?? '', /forced/);
  });
});

describe('a report that cannot be written', () => {
  it('gets a clear error, and the summary still reaches stdout', async () => {
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'a file where the report folder should be');
    const file = scenario('unwritable', twenty(join(dir, 'keys', 'unwritable.json')).replace('count: 10', 'count: 2'));
    const run = await runCli(['run', file, '--report-dir', join(blocker, 'reports'), '--quiet']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^error: .*not-a-folder\/reports\/e2e-twenty-.*\.json: cannot write: ENOTDIR/m);
    assert.match(run.stdout, /connected 20 .* acked 40/);
  });
});
