/**
 * A new user's first week through the CLI (issue 24), the parts that need no broker: `validate`
 * foresees the embedded broker's ACL refusing a filter (item 4), `report --threshold` with an
 * unknown metric is bad input (item 5), and `merge` never replaces a merge of more shards (item 8).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunResult } from '../../src/report/model/run-result.js';
import { runCli } from './cli.js';
import { fixtureResult } from '../report/fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-first-week-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const writeJson = (file: string, value: unknown): string => (writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`), file);

describe('validate foresees the embedded broker refusing a filter', () => {
  it('warns that a backend group subscribing to /up/device/id/+ will be refused, and measures nothing', async () => {
    const file = join(dir, 'backend.yaml');
    writeFileSync(
      file,
      `name: backend
groups:
  - { name: sensors, count: 4 }
  - { name: backend, count: 1, idPattern: 'backend-{index}' }
stages:
  - type: connect
  - type: subscribe
    groups: [backend]
    topic: /up/device/id/+
    measure: uplink
  - type: subscribe
    groups: [sensors]
  - type: publish
    groups: [sensors]
    rate: 1/s
    count: 2
  - type: disconnect
`,
    );
    const cli = await runCli(['validate', file]);
    assert.equal(cli.code, 0, cli.stderr);
    const warnings = cli.stdout.split('\n').filter((l) => l.startsWith('warning:'));
    assert.equal(warnings.length, 1, cli.stdout);
    assert.match(
      warnings[0] ?? '',
      /^warning: stage 2 \(subscribe, group backend\): the embedded broker will refuse "\/up\/device\/id\/\+" \(SUBACK 0x80\), so no uplink latency will be measured; a device may subscribe only at or below its own downlink topic \(\/down\/device\/id\/backend-1\)/,
    );
    // The same plan against an external broker: its ACL is its own business.
    const external = await runCli(['validate', file, '--broker', 'mqtt://127.0.0.1:1883']);
    assert.equal(external.code, 0, external.stderr);
    assert.doesNotMatch(external.stdout, /warning:/);
  });
});

describe('short token lifetimes', () => {
  it('lifetime: 1s is valid (refreshBefore follows it) and validate warns of the refresh storm; a refreshBefore the user wrote is named in their fields', async () => {
    const file = join(dir, 'short.yaml');
    const body = (token: string): string => `name: short
groups:
  - { name: g, count: 200, token: ${token} }
stages:
  - type: connect
    rate: 100/s
  - type: hold
    duration: 20s
`;
    writeFileSync(file, body('{ lifetime: 1s }'));
    const cli = await runCli(['validate', file]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.doesNotMatch(cli.stdout + cli.stderr, /1m/);
    // 200 devices ÷ (1s − 250ms, the default: a quarter of the lifetime) = 267 refreshes a second against a 100/s connect stage.
    assert.match(
      cli.stdout,
      /^warning: group g: token refreshes will reconnect 200 devices ÷ \(token\.lifetime − token\.refreshBefore = 1s − 250ms\) = 267\/s, 267% of the plan's fastest connect stage \(100\/s\): a refresh storm/m,
    );
    writeFileSync(file, body('{ lifetime: 1s, refreshBefore: 2s }'));
    const clash = await runCli(['validate', file]);
    assert.equal(clash.code, 2);
    assert.match(clash.stderr, /groups\.0\.token\.refreshBefore: 2s must be shorter than token\.lifetime \(1s\)/);
    // A lifetime longer than the run makes no refreshes, and no warning.
    writeFileSync(file, body('{ lifetime: 20m }'));
    const calm = await runCli(['validate', file]);
    assert.equal(calm.code, 0, calm.stderr);
    assert.doesNotMatch(calm.stdout, /warning:/);
  });
});

describe('report --threshold checks the metric against the saved plan', () => {
  it('an unknown metric exits 2 with a did-you-mean, as run does; a known one is judged', async () => {
    const file = writeJson(join(dir, 'fixture.json'), fixtureResult({ seed: 1 }));
    const typo = await runCli(['report', file, '--quiet', '--threshold', 'conect.p(99)<5ms']);
    assert.equal(typo.code, 2, typo.stdout + typo.stderr);
    assert.match(typo.stderr, /--threshold "conect\.p\(99\)<5ms": no metric named "conect"; did you mean "connect"\?/);
    const known = await runCli(['report', file, '--quiet', '--threshold', 'connect.p(99)<1us']);
    assert.equal(known.code, 99, known.stderr);
  });
});

describe('merge never replaces a merge of more shards', () => {
  it('refuses to replace a 2-of-2 merge with a 1-of-2 one unless --force; the name is <run-id>-merged.json', async () => {
    const runDir = join(dir, 'reports', 'run-a');
    mkdirSync(runDir, { recursive: true });
    const shard = (index: number): string => {
      const r: RunResult = { ...fixtureResult({ seed: index + 1 }), runId: 'run-a', shard: { index, count: 2 } };
      r.total = { ...r.total, counters: { ...r.total.counters, published: 300 } };
      return writeJson(join(runDir, `fixture-shard-${index}-of-2.json`), r);
    };
    const [s0, s1] = [shard(0), shard(1)];
    const both = await runCli(['merge', s0, s1, '--no-html', '--quiet']);
    assert.notEqual(both.code, 2, both.stderr);
    const out = join(runDir, 'run-a-merged.json');
    const present = (): number[] => (JSON.parse(readFileSync(out, 'utf8')) as RunResult).shards?.present ?? [];
    assert.deepEqual(present(), [0, 1]);

    const fewer = await runCli(['merge', s0, '--no-html', '--quiet']);
    assert.equal(fewer.code, 2, fewer.stdout);
    assert.match(fewer.stderr, /already holds run run-a merged from 2 shards; this merge has 1, so it was not replaced/);
    assert.deepEqual(present(), [0, 1]);

    const again = await runCli(['merge', s0, s1, '--no-html', '--quiet']);
    assert.notEqual(again.code, 2, again.stderr);
    assert.match(again.stdout, /replacing the earlier merge of this run/);

    const forced = await runCli(['merge', s0, '--no-html', '--quiet', '--force']);
    assert.notEqual(forced.code, 2, forced.stderr);
    assert.deepEqual(present(), [0]);
  });
});

describe('smaller ones', () => {
  it('did-you-mean for an unknown command and an unknown flag, exit 2', async () => {
    const command = await runCli(['runn', 'x.yaml']);
    assert.equal(command.code, 2);
    assert.match(command.stderr, /"runn": did you mean the command run\?/);
    const flag = await runCli(['run', '--devics', '3']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /^error: Unknown argument: devics; "devics": did you mean --devices\?$/m);
    assert.match(flag.stderr, /^hint: mqtt-jwt-bench run --help$/m);
  });

  it('a shipped scenario is named without its path, from any folder', async () => {
    const cli = await runCli(['validate', 'quickstart'], { cwd: dir });
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /^quickstart: valid$/m);
    assert.match(cli.stdout, /200 ES256 devices/);
    const unknown = await runCli(['validate', 'no-such-scenario'], { cwd: dir });
    assert.equal(unknown.code, 2);
  });

  it('--html has one meaning: with no FILE beside the JSON, with FILE there, --no-html none (report as run and merge)', async () => {
    const file = writeJson(join(dir, 'html-run.json'), fixtureResult({ seed: 2 }));
    const beside = await runCli(['report', file, '--quiet', '--html']);
    assert.equal(beside.code, 0, beside.stderr);
    assert.match(readFileSync(join(dir, 'html-run.html'), 'utf8'), /<html/);
    const named = await runCli(['report', file, '--quiet', '--html', join(dir, 'named.html')]);
    assert.equal(named.code, 0, named.stderr);
    assert.match(readFileSync(join(dir, 'named.html'), 'utf8'), /<html/);
    const none = await runCli(['report', file, '--no-html']);
    assert.equal(none.code, 0, none.stderr);
    assert.doesNotMatch(none.stdout, /wrote/);
  });

  it('compare opens with what differs between the plans and names its columns by it, or by --label', async () => {
    const run = (alg: 'ES256' | 'RS256', name: string): string => {
      const r = fixtureResult({ seed: 4 });
      r.scenario = { ...r.scenario, name: 'quick', plan: { ...r.scenario.plan, groups: r.scenario.plan.groups.map((g) => ({ ...g, alg })) } };
      return writeJson(join(dir, name), r);
    };
    const [a, b] = [run('ES256', '2026-12-07T10-00-00Z.json'), run('RS256', '2026-12-07T10-05-00Z.json')];
    const cli = await runCli(['compare', a, b]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(cli.stdout.split('\n')[0], 'plans differ in alg (ES256 → RS256)');
    assert.match(cli.stdout, /^quick alg=RS256 against quick alg=ES256 \(noise band ±10%\): broker /m);
    assert.doesNotMatch(cli.stdout, /2026-12-07T10/);
    const labelled = await runCli(['compare', a, b, '--label', 'ec', '--label', 'rsa']);
    assert.match(labelled.stdout, /^rsa against ec /m);
    const short = await runCli(['compare', a, b, '--label', 'ec']);
    assert.equal(short.code, 2);
  });
});
