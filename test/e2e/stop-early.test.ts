/**
 * A run that cannot measure anything stops early, its cause first (issue 24, item 3): a broker
 * that refuses every device ends the run after its connect stage, exit 5, and the summary's first
 * line names the CONNACK reason with a credentials hint; `--no-stop-early` runs every stage, and
 * a publish stage that sent nothing no longer reads "100% of plan". A planned measurement that
 * recorded nothing fails the run (item 4).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatRegistry } from '../../src/identity/registry-file.js';
import { run, scenarioFromObject } from '../../src/index.js';
import { runExitCode } from '../../src/report/judge/exit-code.js';
import type { RunResult } from '../../src/report/model/run-result.js';
import { EC_PUBLIC_PEM } from '../broker/helpers.js';
import { repoPath } from '../helpers.js';
import { runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-stop-early-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function onlyReport(reports: string): { result: RunResult; html: string | undefined } {
  const [name] = readdirSync(reports).filter((f) => f.endsWith('.json'));
  const file = join(reports, name!);
  const htmlFile = file.replace(/\.json$/, '.html');
  const html = readdirSync(reports).includes(htmlFile.slice(reports.length + 1)) ? readFileSync(htmlFile, 'utf8') : undefined;
  return { result: JSON.parse(readFileSync(file, 'utf8')) as RunResult, html };
}

function scenario(name: string, stages: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
workers: 1
groups:
  - { name: g, count: 4, keys: { store: ${join(dir, `${name}-keys.json`)} } }
stages:
${stages}`,
  );
  return file;
}

// 4 devices × 20 messages at 2/s: 10 s of publishing that a refused run must not sit through.
const REFUSED_STAGES = `  - type: connect
    rate: 100/s
  - type: publish
    rate: 2/s
    count: 20
  - type: disconnect
`;

/** `mqtt-jwt-bench broker` that knows one device only (not ours), on a free port. */
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

describe('a run that cannot measure stops early, with the cause first', () => {
  let broker: Awaited<ReturnType<typeof strangerBroker>>;
  before(async () => (broker = await strangerBroker()));
  after(() => broker.stop());

  it('every device refused: stops after the connect stage, exit 5, the first line names not-authorized and the credentials', async () => {
    const reports = join(dir, 'refused');
    const cli = await runCli(['run', scenario('refused', REFUSED_STAGES), '--broker', broker.url, '--report-dir', reports, '--quiet']);
    assert.equal(cli.code, 5, cli.stderr);
    const first = cli.stdout.split('\n')[0] ?? '';
    assert.match(
      first,
      /FAILED: DID NOT RUN[^(]*\(stopped early: stage 1 \(connect\): every connect failed \(not-authorized 4 of 4\): check the broker's credentials/,
    );
    const { result, html } = onlyReport(reports);
    assert.deepEqual(
      result.stages.map((s) => s.type),
      ['connect'],
      'the publish and disconnect stages never ran',
    );
    assert.equal(result.status, 'failed');
    assert.match(result.planShare?.notRun ?? '', /^stopped early: stage 1 \(connect\): every connect failed \(not-authorized 4 of 4\)/);
    assert.equal(result.total.counters['published'] ?? 0, 0);
    assert.equal(result.total.errors['not-connected'] ?? 0, 0, 'no knock-on errors: nothing was attempted after the refusals');
    assert.ok(html?.includes('connect failed: not-authorized'));
  });

  it('--no-stop-early runs every stage: the publish stage performed 0 of its 80 actions, the refusal heads the errors, and the cause still leads', async () => {
    const reports = join(dir, 'run-on');
    const cli = await runCli(['run', scenario('run-on', REFUSED_STAGES), '--broker', broker.url, '--report-dir', reports, '--quiet', '--no-stop-early']);
    assert.equal(cli.code, 5, cli.stderr);
    assert.match(
      cli.stdout.split('\n')[0] ?? '',
      /FAILED: DID NOT RUN[^(]*\(no device connected \(0 of 4\): every connect failed \(not-authorized 4 of 4\): check the broker's credentials/,
    );
    const { result, html } = onlyReport(reports);
    assert.deepEqual(
      result.stages.map((s) => s.type),
      ['connect', 'publish', 'disconnect'],
    );
    const publish = result.stages[1]!;
    assert.equal(publish.pace?.planned.actions, 80);
    assert.equal(publish.pace?.achieved.actions, 0, 'messages due with no connection were not performed');
    assert.equal(publish.pace?.achievedRatio, 0);
    assert.doesNotMatch(cli.stdout, /publish: .*100% of plan/);
    assert.equal(result.total.errors['not-connected'], 80);
    // The root cause (4 refusals) above the knock-on errors (80 messages not sent).
    const refused = html?.indexOf('connect failed: not-authorized') ?? -1;
    const knockOn = html?.indexOf('(not-connected)') ?? -1;
    assert.ok(refused > 0 && knockOn > refused, `refusal at ${refused}, knock-on at ${knockOn}`);
  });
});

describe('an empty planned measurement is not a clean run', () => {
  it('a backend group refused its /up/device/id/+ subscription on the embedded broker: failed, exit 4, naming the measurement', async () => {
    const loaded = scenarioFromObject(
      {
        name: 'backend-uplink',
        workers: 1,
        groups: [
          { name: 'sensors', count: 3, keys: { store: join(dir, 'sensors.json') } },
          { name: 'backend', count: 1, idPattern: 'backend-{index}', keys: { store: join(dir, 'backend.json') } },
        ],
        stages: [
          { type: 'connect' },
          { type: 'subscribe', groups: ['backend'], topic: '/up/device/id/+', measure: 'uplink' },
          { type: 'publish', groups: ['sensors'], rate: '10/s', count: 2 },
          { type: 'disconnect' },
        ],
      },
      'backend-uplink',
    );
    const result = await run(loaded);
    assert.deepEqual(result.groups['backend']?.errors, { 'suback.failure': 1 });
    assert.equal(result.total.counters['published'], 6, 'the sensors published their plan');
    assert.equal(result.total.histograms['uplinkUs'], undefined, 'and no uplink latency was recorded');
    assert.equal(result.status, 'failed');
    assert.equal(
      result.statusReason,
      'a planned measurement recorded nothing: stage 2 (subscribe, group backend) was to measure uplink latency and recorded none (errors in that group: suback.failure 1)',
    );
    assert.equal(runExitCode(result, false), 4);
  });
});
