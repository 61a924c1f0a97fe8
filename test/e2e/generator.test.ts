import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunResult } from '../../src/report/model/run-result.js';
import type { WorkerFaults } from '../../src/worker/faults.js';
import { runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-generator-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const scenario = (keys: string): string => `name: watch
workers: 2
groups:
  - { name: g, count: 10, keys: { store: ${keys} } }
stages:
  - type: connect
  - type: publish
    rate: 10/s
    count: 30
  - type: disconnect
`;

async function runWith(name: string, faults: WorkerFaults | undefined): Promise<{ result: RunResult; stdout: string; code: number | null }> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, scenario(join(dir, 'keys.json')));
  const reports = join(dir, name);
  const cli = await runCli(['run', file, '--report-dir', reports, '--quiet', '--no-html'], faults === undefined ? {} : { faults });
  const report = readdirSync(reports).find((f) => f.endsWith('.json'));
  assert.ok(report !== undefined, cli.stderr);
  const result = JSON.parse(readFileSync(join(reports, report), 'utf8')) as RunResult;
  // Exit 6 exactly when the report says the generator cannot be trusted (saturated or behind plan).
  const untrusted = result.generator?.saturated === true || result.stages.some((s) => s.pace?.behindPlan === true);
  assert.equal(cli.code, untrusted ? 6 : 0, cli.stderr);
  return { result, stdout: cli.stdout, code: cli.code };
}

describe('the generator watches itself', () => {
  it('reports its CPU, memory per connection and worker loops, with its verdict explained', async () => {
    const { result } = await runWith('light', undefined);
    const g = result.generator!;
    // Whether a light run is saturated depends on what else this machine is doing; the verdict
    // and its reasons must agree either way.
    assert.equal(g.saturated, g.reasons.length > 0);
    assert.deepEqual(
      g.workers.map((w) => w.devices),
      [5, 5],
    );
    assert.equal(g.process.peakConnected, 10);
    assert.ok(g.process.cpuUserMs > 0);
  });

  it('raises the saturation flag, in words, when a worker event loop is blocked on purpose', async () => {
    const { result, stdout, code } = await runWith('blocked', { blockLoopMs: 300 });
    const g = result.generator!;
    assert.equal(g.saturated, true);
    assert.equal(code, 6);
    assert.match(stdout, /these latencies partly measure the generator, not the broker/);
    assert.ok(
      g.reasons.some((r) => /event loops ran late|sends lagged/.test(r)),
      g.reasons.join('; '),
    );
    assert.match(stdout, /GENERATOR SATURATED: the harness, not only the broker, limited this run/);
    assert.ok(result.total.histograms['sendLagUs']!.summary.max >= 200_000);
  });
});

describe('a worker that crashes or hangs', () => {
  async function runFault(name: string, faults: WorkerFaults): Promise<{ code: number | null; result: RunResult; stderr: string }> {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, scenario(join(dir, 'keys.json')).replace('count: 30', 'count: 300'));
    const reports = join(dir, name);
    const cli = await runCli(['run', file, '--report-dir', reports, '--quiet', '--no-html'], { faults });
    const report = readdirSync(reports).find((f) => f.endsWith('.json')) as string;
    return { code: cli.code, result: JSON.parse(readFileSync(join(reports, report), 'utf8')) as RunResult, stderr: cli.stderr };
  }

  it('a crash ends the run with a partial report marked failed, exit 4', async () => {
    const { code, result } = await runFault('crash', { crash: true });
    assert.equal(code, 4);
    assert.equal(result.status, 'failed');
    assert.match(result.statusReason ?? '', /worker 0 crashed: injected crash/);
    assert.equal(result.total.counters['devices'], 10, 'the other worker still reported');
  });

  it('a hang is detected by the watchdog: a partial report marked failed, exit 4, without waiting out the hang', async () => {
    const started = Date.now();
    const { code, result } = await runFault('hang', { hangMs: 120_000 });
    assert.equal(code, 4);
    assert.equal(result.status, 'failed');
    assert.match(result.statusReason ?? '', /worker 0 stopped answering/);
    assert.ok(Date.now() - started < 100_000, 'did not wait for the 120 s hang');
  });
});
