/**
 * deploy/kubernetes/run.sh run by `sh` (dash on Debian: no bash features) against a stand-in
 * kubectl that records every call and answers as a cluster whose Jobs end at once; its scripts are
 * checked by `sh -n` and shellcheck as POSIX sh; start-at.sh's dates against JavaScript's.
 * Without shellcheck that test skips itself by name, unless REQUIRE_SHELLCHECK=1 or CI=true.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { repoPath } from '../helpers.js';

const SCRIPTS = ['run.sh', 'render.sh', 'start-at.sh', 'fleet.env'].map((f) => repoPath(`deploy/kubernetes/${f}`));
const RUN_ID = '20261202-120000';
const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-run-sh-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Records "$*" per call; applied manifests are copied as they were applied. The shards' Job answers
// "not ended" once before its state, so run.sh polls; the merge's pod exits STUB_MERGE_EXIT.
const KUBECTL = `#!/bin/sh
printf '%s\\n' "$*" >>"$STUB_DIR/calls"
case $1 in
  apply) cp "$3" "$STUB_DIR/applied/$(ls "$STUB_DIR/applied" | wc -l | tr -d ' ')-$(basename "$3")" ;;
  get)
    case $2 in
      job)
        case $3 in
          *-keygen-* | *-merge-*) echo Complete ;;
          *)
            if [ -f "$STUB_DIR/polled" ]; then echo "$STUB_SHARDS_STATE"; else : >"$STUB_DIR/polled"; fi ;;
        esac ;;
      pods) printf '%s' "$STUB_MERGE_EXIT" ;;
    esac ;;
  exec) echo '{"keys":[{"kid":"stub"}]}' ;;
  logs) echo "merged: stub" ;;
esac
`;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  calls: string[];
  applied: string[];
  stub: string;
}

/** Runs run.sh with `sh` and the stand-in kubectl first on PATH. */
async function runSh(name: string, env: Record<string, string | undefined>): Promise<Outcome> {
  const stub = join(dir, name);
  mkdirSync(join(stub, 'bin'), { recursive: true });
  mkdirSync(join(stub, 'applied'));
  writeFileSync(join(stub, 'bin', 'kubectl'), KUBECTL);
  chmodSync(join(stub, 'bin', 'kubectl'), 0o755);
  // Nothing of run.sh's own inputs comes from the environment the tests run in.
  const inputs = new Set(['SHARDS', 'DEVICES', 'ALG', 'ID_PATTERN', 'BROKER_URL', 'START_AT', 'REGISTER', 'KEYS_FORMAT']);
  const base: Record<string, string | undefined> = {
    ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !inputs.has(key))),
    PATH: `${join(stub, 'bin')}:${process.env['PATH'] ?? ''}`,
    STUB_DIR: stub,
    STUB_SHARDS_STATE: 'Complete',
    STUB_MERGE_EXIT: '0',
    IMAGE: 'registry.example.com/mqtt-jwt-bench:0.1.0',
    RUN_ID,
    WORK_DIR: join(stub, 'work'),
    POLL_SECONDS: '0',
  };
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile('sh', [repoPath('deploy/kubernetes/run.sh')], { env: { ...base, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
  const calls = existsSync(join(stub, 'calls')) ? readFileSync(join(stub, 'calls'), 'utf8').trim().split('\n') : [];
  const applied = readdirSync(join(stub, 'applied')).sort((a, b) => parseInt(a) - parseInt(b));
  return { ...result, calls, applied, stub };
}

const manifest = (outcome: Outcome, file: string): Record<string, unknown> => {
  const name = outcome.applied.find((a) => a.replace(/^\d+-/, '') === file);
  assert.ok(name !== undefined, `${file} applied`);
  return parse(readFileSync(join(outcome.stub, 'applied', name), 'utf8')) as Record<string, unknown>;
};

describe('deploy/kubernetes/run.sh', () => {
  it('renders, waits, exports the keys for REGISTER before the shards, and exits with the merge code, in a POSIX sh', async () => {
    const startedMs = Date.now();
    const outcome = await runSh('full', { REGISTER: 'cp "$1" "$STUB_DIR/registered"', SHARDS: '3', STUB_MERGE_EXIT: '99' });
    assert.equal(outcome.code, 99, outcome.stderr);
    assert.deepEqual(
      outcome.applied.map((a) => a.replace(/^\d+-/, '')),
      ['volumes.yaml', 'configmap.yaml', 'keygen-job.yaml', 'keys-pod.yaml', 'job.yaml', 'merge-job.yaml'],
    );
    const exported = outcome.calls.find((c) => c.startsWith('exec '));
    assert.equal(exported, `exec mqtt-jwt-bench-keys-${RUN_ID} -- node dist/src/cli/main.js keys export --keys /keys/fleet/ES256.json --format jwks`);
    assert.equal(readFileSync(join(outcome.stub, 'registered'), 'utf8'), '{"keys":[{"kid":"stub"}]}\n');
    assert.ok(outcome.calls.includes(`delete pod mqtt-jwt-bench-keys-${RUN_ID} --wait=false`));
    const shardsApplied = outcome.calls.findIndex((c) => c.startsWith('apply') && c.endsWith('/job.yaml'));
    assert.ok(outcome.calls.indexOf(exported) < shardsApplied, 'the keys are registered before the shards start');
    // Polled the shards' Job until it ended (once "not ended", then Complete).
    assert.equal(outcome.calls.filter((c) => c.startsWith(`get job mqtt-jwt-bench-${RUN_ID} `)).length, 2);
    // fleet.env's values, with SHARDS from the environment; START_AT about 3 minutes ahead.
    const job = manifest(outcome, 'job.yaml') as { spec: { completions: number; template: { spec: { containers: { args: string[] }[] } } } };
    assert.equal(job.spec.completions, 3);
    const args = job.spec.template.spec.containers[0]!.args;
    const startAtMs = Date.parse(args[args.indexOf('--start-at') + 1]!);
    assert.ok(startAtMs >= startedMs + 170_000 && startAtMs <= Date.now() + 181_000, args.join(' '));
    assert.match(outcome.stdout, /merge exited 99/);
  });

  it('refuses to start without REGISTER, before any kubectl call', async () => {
    const outcome = await runSh('no-register', {});
    assert.notEqual(outcome.code, 0);
    assert.match(outcome.stderr, /set REGISTER to a command that registers the public keys/);
    assert.deepEqual(outcome.calls, []);
  });

  it('with REGISTER=none exports nothing; a failed shard Job still merges, and the merge decides the exit', async () => {
    const outcome = await runSh('none', { REGISTER: 'none', STUB_SHARDS_STATE: 'FailureTarget Failed', STUB_MERGE_EXIT: '5' });
    assert.equal(outcome.code, 5, outcome.stderr);
    assert.ok(!outcome.applied.some((a) => a.endsWith('keys-pod.yaml')));
    assert.ok(!outcome.calls.some((c) => c.startsWith('exec ')));
    assert.match(outcome.stdout, /REGISTER=none/);
    assert.match(outcome.stdout, /the shards' Job failed; merging what they wrote/);
    assert.ok(outcome.applied.some((a) => a.endsWith('merge-job.yaml')));
  });

  it('starts no shard when REGISTER fails, and names the format it exports', async () => {
    const outcome = await runSh('register-fails', { REGISTER: 'exit 3', KEYS_FORMAT: 'rabbitmq' });
    assert.notEqual(outcome.code, 0);
    assert.match(outcome.stderr, /REGISTER failed; no shard started/);
    assert.ok(outcome.calls.some((c) => c.endsWith('--format rabbitmq')));
    assert.deepEqual(
      outcome.applied.map((a) => a.replace(/^\d+-/, '')),
      ['volumes.yaml', 'configmap.yaml', 'keygen-job.yaml', 'keys-pod.yaml'],
    );
    assert.ok(existsSync(join(outcome.stub, 'work', 'advanced.config')));
  });

  it('is POSIX sh: no bash, no GNU date -d, no wait -n; sh -n passes', () => {
    for (const file of SCRIPTS) {
      const source = readFileSync(file, 'utf8');
      assert.doesNotMatch(source, /^#!.*bash/m, file);
      assert.doesNotMatch(source.replace(/^\s*#.*$/gm, ''), /date [^\n]*-d\b|--date|wait -n|\[\[|pipefail|\blocal /, file);
      assert.equal(spawnSync('sh', ['-n', file]).status, 0, file);
    }
  });

  it('passes shellcheck as POSIX sh', (t) => {
    if (spawnSync('shellcheck', ['--version']).status !== 0) {
      if (process.env['REQUIRE_SHELLCHECK'] === '1' || process.env['CI'] === 'true') assert.fail('shellcheck is required (apt-get install shellcheck)');
      t.skip('shellcheck not installed');
      return;
    }
    const result = spawnSync('shellcheck', ['--shell=sh', '--external-sources', ...SCRIPTS], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout);
  });

  it('start-at.sh prints UTC times as JavaScript does, across leap days and centuries', () => {
    for (const epoch of [0, 951_782_400, 951_868_799, 1_709_164_800, 4_107_542_399, 4_107_542_400, 1_796_652_921]) {
      const printed = spawnSync('sh', [repoPath('deploy/kubernetes/start-at.sh'), '0', String(epoch)], { encoding: 'utf8' }).stdout.trim();
      assert.equal(printed, new Date(epoch * 1000).toISOString().replace('.000Z', 'Z'), String(epoch));
    }
    const ahead = Date.parse(spawnSync('sh', [repoPath('deploy/kubernetes/start-at.sh'), '180'], { encoding: 'utf8' }).stdout.trim());
    assert.ok(Math.abs(ahead - (Date.now() + 180_000)) < 5_000);
  });
});
