import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import type { RunResult } from '../../src/report/run-result.js';
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
`;

describe('a whole run through the CLI, the worker pool and the embedded broker', () => {
  const keystore = join(dir, 'keys', 'e2e.json');
  const file = scenario('twenty', twenty(keystore));

  it('connects 20 devices, publishes and acks exactly the planned count, and the histograms agree', async () => {
    const reportDir = join(dir, 'reports-1');
    const run = await runCli(['run', file, '--report-dir', reportDir, '--quiet']);
    assert.equal(run.code, 0, run.stderr);
    const { result, text } = readReport(reportDir);
    assert.equal(result.schemaVersion, 1);
    assert.equal(result.status, 'complete');
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
    assert.equal(result.timeline.reduce((n, p) => n + p.acked, 0), 200);
    // The summary reached stdout; no secret reached the report.
    assert.match(run.stdout, /connected 20 .* published 200 · acked 200/);
    assert.doesNotMatch(text, /PRIVATE KEY|eyJ[A-Za-z0-9_-]{10,}\./);
    assert.equal(statSync(keystore).mode & 0o777, 0o600);
  });

  it('reuses the keystore on the next run', async () => {
    const reportDir = join(dir, 'reports-2');
    const before = readFileSync(keystore, 'utf8');
    const run = await runCli(['run', file, '--report-dir', reportDir, '--quiet']);
    assert.equal(run.code, 0, run.stderr);
    const { result } = readReport(reportDir);
    assert.equal(result.total.counters['keysGenerated'], undefined);
    assert.equal(result.total.counters['acked'], 200);
    assert.equal(readFileSync(keystore, 'utf8'), before);
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
    assert.equal(run.stderr, `error: broker mqtt://127.0.0.1:${port} is not reachable: ECONNREFUSED\nhint: Start the broker, or check the host and port in the scenario (or use broker: embedded).\n`);
  });
});
