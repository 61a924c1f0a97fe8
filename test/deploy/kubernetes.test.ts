/**
 * deploy/kubernetes as written: rendered for one run id as deploy/kubernetes/run.sh renders them
 * (envsubst of RUN_ID, IMAGE and START_AT), checked against the Kubernetes API schema
 * (kubernetes-models) and against what the harness writes and reads.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ConfigMap, PersistentVolumeClaim, type IConfigMap, type IContainer, type IPersistentVolumeClaim } from 'kubernetes-models/v1';
import { Job, type IJob } from 'kubernetes-models/batch/v1';
import { parseAllDocuments } from 'yaml';
import { reportPath } from '../../src/report/model/write.js';
import { parseScenario } from '../../src/scenario/load.js';
import { repoPath } from '../helpers.js';

const VARIABLES = { RUN_ID: '20261202-120000', IMAGE: 'registry.example.com/mqtt-jwt-bench:0.1.0', START_AT: '2026-12-02T12:03:00Z' };
type Manifest = { kind?: unknown } & Record<string, unknown>;

const text = (file: string): string => readFileSync(repoPath(`deploy/kubernetes/${file}`), 'utf8');

/** envsubst '${RUN_ID} ${IMAGE} ${START_AT}': only these, as run.sh does; anything else stays. */
function render(file: string): Manifest[] {
  const rendered = text(file).replace(/\$\{(RUN_ID|IMAGE|START_AT)\}/g, (_, name: keyof typeof VARIABLES) => VARIABLES[name]);
  return parseAllDocuments(rendered).map((d) => d.toJS() as Manifest);
}

/** Checks a manifest against the Kubernetes API schema; returns it typed. */
function validate(manifest: Manifest): Job | ConfigMap | PersistentVolumeClaim {
  const model =
    manifest.kind === 'Job'
      ? new Job(manifest as unknown as IJob)
      : manifest.kind === 'ConfigMap'
        ? new ConfigMap(manifest as unknown as IConfigMap)
        : manifest.kind === 'PersistentVolumeClaim'
          ? new PersistentVolumeClaim(manifest as unknown as IPersistentVolumeClaim)
          : undefined;
  assert.ok(model !== undefined, `a model for ${String(manifest.kind)}`);
  model.validate();
  return model;
}

const jobOf = (file: string): Job => {
  const model = validate(render(file)[0]!);
  assert.ok(model instanceof Job);
  return model;
};
const keygen = jobOf('keygen-job.yaml');
const job = jobOf('job.yaml');
const merge = jobOf('merge-job.yaml');
const configMap = validate(render('configmap.yaml')[0]!) as ConfigMap;
const jobs = [keygen, job, merge];
const containerOf = (j: Job): IContainer => j.spec!.template.spec!.containers[0]!;
const shard = containerOf(job);
const env = Object.fromEntries((shard.env ?? []).map((e) => [e.name, e.value ?? '']));
const { plan } = parseScenario(configMap.data!['scenario.yaml']!, 'configmap.yaml', { env: { BROKER_URL: env['BROKER_URL'] ?? '' } });

describe('deploy/kubernetes, rendered for one run id', () => {
  it("is valid against the Kubernetes API schema, and leaves no variable but the scenario's own unrendered", () => {
    for (const file of ['volumes.yaml', 'configmap.yaml', 'keygen-job.yaml', 'job.yaml', 'merge-job.yaml']) {
      for (const manifest of render(file)) validate(manifest);
      const left = [...JSON.stringify(render(file)).matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
      assert.deepEqual(left, file === 'configmap.yaml' ? ['BROKER_URL'] : [], file);
    }
  });

  it('names every Job after the run, labels it, and lets Kubernetes delete it after a day', () => {
    assert.deepEqual(
      jobs.map((j) => j.metadata?.name),
      [`mqtt-jwt-bench-keygen-${VARIABLES.RUN_ID}`, `mqtt-jwt-bench-${VARIABLES.RUN_ID}`, `mqtt-jwt-bench-merge-${VARIABLES.RUN_ID}`],
    );
    for (const j of jobs) {
      assert.equal(j.metadata?.labels?.['mqtt-jwt-bench/run-id'], VARIABLES.RUN_ID);
      assert.ok((j.spec?.ttlSecondsAfterFinished ?? 0) > 0);
      assert.equal(j.spec?.template.spec?.restartPolicy, 'Never');
    }
  });

  it('pulls the pushed image only when the node lacks it, never :latest', () => {
    for (const j of jobs) {
      for (const c of j.spec?.template.spec?.containers ?? []) {
        assert.equal(c.image, VARIABLES.IMAGE);
        assert.equal(c.imagePullPolicy, 'IfNotPresent');
      }
    }
    assert.doesNotMatch(text('job.yaml') + text('merge-job.yaml') + text('keygen-job.yaml'), /:latest/);
  });

  it('is an Indexed Job whose completions, parallelism and MQTT_JWT_BENCH_SHARDS agree, and that fails at once on a failed shard', () => {
    assert.equal(job.spec?.completionMode, 'Indexed');
    assert.equal(job.spec?.completions, job.spec?.parallelism);
    assert.equal(Number(env['MQTT_JWT_BENCH_SHARDS']), job.spec?.completions);
    const rules = job.spec?.podFailurePolicy?.rules ?? [];
    assert.deepEqual(rules[0], { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] });
    assert.deepEqual(rules[1], { action: 'FailJob', onExitCodes: { containerName: 'shard', operator: 'NotIn', values: [0] } });
    // run.sh waits for complete or failed, so a failed Job ends the wait instead of its timeout.
    assert.match(text('run.sh'), /--for=condition=failed/);
    assert.equal(spawnSync('bash', ['-n', repoPath('deploy/kubernetes/run.sh')]).status, 0);
  });

  it('gives every shard the run id, the common start and --max-late, and no --json-line (runtimes split long lines)', () => {
    const args = shard.args ?? [];
    const flag = (name: string): string | undefined => args[args.indexOf(name) + 1];
    assert.equal(flag('--run-id'), VARIABLES.RUN_ID);
    assert.equal(flag('--start-at'), VARIABLES.START_AT);
    assert.match(flag('--max-late') ?? '', /^\d+s$/);
    assert.equal(flag('--report-dir'), '/reports');
    assert.ok(!args.includes('--json-line'));
  });

  it('makes the fleet keystore once, where every shard reads it, with the ids and count of the scenario', () => {
    const group = plan.groups[0]!;
    assert.equal(group.keys.mode, 'per-device');
    const script = (containerOf(keygen).args ?? []).join(' ');
    const out = /--out (\S+)/.exec(script)?.[1];
    const alg = /--alg (\S+)/.exec(script)?.[1];
    assert.equal(`${out}/${alg}.json`, group.keys.mode === 'per-device' ? group.keys.storePath : '');
    assert.equal(Number(/--count (\d+)/.exec(script)?.[1]), group.count);
    assert.equal(/--id-pattern '([^']+)'/.exec(script)?.[1], group.idPattern);
    assert.match(script, /keys export --keys \/keys\/fleet\/ES256\.json --format csv -o /);
    const claim = (j: Job): string | undefined => j.spec?.template.spec?.volumes?.find((v) => v.name === 'keys')?.persistentVolumeClaim?.claimName;
    assert.equal(claim(keygen), claim(job));
    const keysMount = shard.volumeMounts?.find((m) => m.name === 'keys');
    assert.equal(keysMount?.readOnly, true, 'shards read the keystore, never write it');
  });

  it("merges only this run's folder: the shards' reports match its glob, earlier runs and the merged report do not", () => {
    const command = (containerOf(merge).args ?? []).join(' ');
    const glob = /merge (\S+)/.exec(command)?.[1] ?? '';
    assert.equal(glob, `/reports/${VARIABLES.RUN_ID}/*-shard-*-of-*.json`);
    const matches = (path: string): boolean => new RegExp(`^${glob.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`).test(path);
    const report = (runId: string): string =>
      reportPath(
        { scenario: { name: plan.scenarioName, file: '', plan }, startedAt: '2026-12-02T12:03:00.012Z', shard: { index: 2, count: 4 }, runId },
        '/reports',
      );
    assert.ok(matches(report(VARIABLES.RUN_ID)), report(VARIABLES.RUN_ID));
    assert.ok(!matches(report('20261201-090000')), 'a shard of an earlier run');
    assert.ok(!matches(`/reports/${VARIABLES.RUN_ID}/${VARIABLES.RUN_ID}-merged.json`));
  });

  it('says that ReadWriteMany claims need a storage class that offers it', () => {
    for (const claim of render('volumes.yaml')) assert.deepEqual((validate(claim) as PersistentVolumeClaim).spec?.accessModes, ['ReadWriteMany']);
    assert.match(text('volumes.yaml'), /stay\s+# Pending/);
  });
});
