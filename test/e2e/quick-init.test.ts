/**
 * Quick mode (`run --devices N`, no file) and `init`: both end in a scenario that the ordinary
 * validation accepts, and quick mode's plan is the plan of the YAML it prints.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import type { RunResult } from '../../src/report/model/run-result.js';
import { loadScenarioFile, parseScenario } from '../../src/scenario/load.js';
import { loadQuickScenario, QUICK_DEFAULTS } from '../../src/scenario/quick.js';
import { starterScenario } from '../../src/scenario/starter.js';
import { runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-quick-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('quick mode', () => {
  it('plans connect, publish and disconnect with the schema defaults and keys where a scenario keeps them', () => {
    const { plan } = loadQuickScenario({ devices: 100, duration: '10s' });
    assert.equal(plan.scenarioName, 'quick');
    assert.deepEqual(plan.broker, { kind: 'embedded' });
    const group = plan.groups[0]!;
    assert.equal(group.count, 100);
    assert.equal(group.alg, 'ES256', 'the schema default');
    assert.deepEqual(group.keys, { mode: 'per-device', storePath: join('keys', 'quick', 'devices-ES256.json') });
    assert.deepEqual(
      plan.stages.map((s) => s.type),
      ['connect', 'publish', 'disconnect'],
    );
    const [connect, publish] = plan.stages;
    assert.equal(connect?.type === 'connect' && connect.ratePerSec, 100, QUICK_DEFAULTS.connectRate);
    assert.equal(publish?.type === 'publish' && publish.qos, 1, 'the schema default');
    assert.equal(publish?.type === 'publish' && publish.countPerDevice, 10, '1/s for 10 s');
  });

  it('reads bare numbers as per second and seconds, and takes the other flags', () => {
    const { plan } = loadQuickScenario({ devices: 3, rate: '7', duration: '4', qos: 0, alg: 'RS256', publishRate: '2', broker: 'mqtt://127.0.0.1:1883' });
    assert.deepEqual(plan.broker, { kind: 'url', url: 'mqtt://127.0.0.1:1883', urls: ['mqtt://127.0.0.1:1883'] });
    assert.equal(plan.groups[0]?.alg, 'RS256');
    const [connect, publish] = plan.stages;
    assert.equal(connect?.type === 'connect' && connect.ratePerSec, 7);
    assert.ok(publish?.type === 'publish');
    assert.deepEqual([publish.ratePerDevicePerSec, publish.countPerDevice, publish.qos], [2, 8, 0]);
  });

  it('names the flag, not the field, in every problem at once', () => {
    assert.throws(
      () => loadQuickScenario({ devices: 5, rate: 'fast', duration: '1y', alg: 'XX', broker: 'foo' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const lines = error.message.split('\n').sort();
        assert.equal(lines.length, 4, error.message);
        assert.match(lines[0]!, /^--alg: .*expected one of/);
        assert.match(lines[1]!, /^--broker: expected "embedded"/);
        assert.match(lines[2]!, /^--duration: expected a duration/);
        assert.match(lines[3]!, /^--rate: expected a rate/);
        return true;
      },
    );
    assert.throws(() => loadQuickScenario({ devices: 0 }), { code: 'ERR_CONFIG', message: /^--devices: expected a whole number/ });
    // A --set override is validated like the file's field, and named by its path.
    assert.throws(() => loadQuickScenario({ devices: 5 }, ['groups.0.count=-1']), { message: /--devices: .*>=1/ });
  });

  it("prints a scenario file whose plan is the quick run's plan", async () => {
    const run = await runCli(['run', '--devices', '12', '--rate', '30', '--duration', '3s', '--qos', '0', '--alg', 'ES384', '--print-scenario']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^# yaml-language-server: \$schema=\.\/scenarios\/schema\.json\n/);
    const file = join(dir, 'quick.yaml');
    writeFileSync(file, run.stdout);
    const fromFile = await loadScenarioFile(file);
    const quick = loadQuickScenario({ devices: 12, rate: '30', duration: '3s', qos: 0, alg: 'ES384' });
    assert.deepEqual(fromFile.plan, quick.plan);
  });

  it('runs against the embedded broker with no file and writes a report', async () => {
    const reportDir = join(dir, 'reports');
    const store = join(dir, 'keys', 'quick.json');
    const run = await runCli([
      'run',
      '--devices',
      '6',
      '--rate',
      '50',
      '--duration',
      '2s',
      '--publish-rate',
      '2',
      '--set',
      `groups.0.keys.store=${store}`,
      '--report-dir',
      reportDir,
      '--quiet',
      '--no-html',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const [report] = readdirSync(reportDir).filter((f) => f.endsWith('.json'));
    assert.match(report ?? '', /^quick-/);
    const result = JSON.parse(readFileSync(join(reportDir, report as string), 'utf8')) as RunResult;
    assert.equal(result.status, 'complete');
    assert.equal(result.total.counters['connected'], 6);
    assert.equal(result.total.counters['acked'], 6 * 4, '2/s for 2 s each');
    assert.ok(existsSync(store), 'the keys went where --set put them');
  });

  it('refuses quick flags beside a file, and a run with neither', async () => {
    const both = await runCli(['run', 'scenarios/quickstart.yaml', '--devices', '4']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /^error: --devices: quick-mode flags go without a scenario file$/m);
    const neither = await runCli(['run']);
    assert.equal(neither.code, 2);
    assert.match(neither.stderr, /name a scenario file, or give --devices N/);
  });
});

describe('init', () => {
  it('writes a commented starter that validate accepts, for EC and RSA', async () => {
    for (const alg of ['ES256', 'RS256']) {
      const file = join(dir, `starter-${alg}.yaml`);
      const run = await runCli(['init', '--alg', alg, '--broker', 'mqtt://127.0.0.1:1883', file]);
      assert.equal(run.code, 0, run.stderr);
      const text = readFileSync(file, 'utf8');
      assert.match(text, /^# yaml-language-server: \$schema=\S+schema\.json\n/);
      assert.ok(text.split('\n').filter((l) => l.trimStart().startsWith('#')).length >= 8, 'commented');
      const check = await runCli(['validate', file]);
      assert.equal(check.code, 0, check.stderr);
      const { plan } = await loadScenarioFile(file);
      assert.equal(plan.groups[0]?.alg, alg);
      assert.equal(plan.groups[0]?.keys.mode, alg === 'RS256' ? 'pool' : 'per-device');
    }
  });

  it('never overwrites a file without --force', async () => {
    const file = join(dir, 'mine.yaml');
    writeFileSync(file, 'mine\n');
    const refused = await runCli(['init', file]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /exists; not overwritten\nhint: .*--force/);
    assert.equal(readFileSync(file, 'utf8'), 'mine\n');
    const forced = await runCli(['init', file, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(readFileSync(file, 'utf8'), /^# yaml-language-server/);
  });

  it('refuses a bad --alg or --broker by the flag, writing nothing', async () => {
    const file = join(dir, 'bad.yaml');
    const run = await runCli(['init', file, '--alg', 'HS256']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^error: --alg: /m);
    assert.equal(existsSync(file), false);
  });

  it('is valid for every algorithm the schema knows', () => {
    for (const alg of ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA']) {
      assert.equal(parseScenario(starterScenario({ broker: 'embedded', alg, name: 'x' }, dir), 'x.yaml', { env: {} }).plan.groups[0]?.alg, alg);
    }
  });
});
