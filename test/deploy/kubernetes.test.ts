/**
 * deploy/kubernetes as written: rendered for one run id by deploy/kubernetes/render.sh (what run.sh
 * applies: envsubst of RUN_ID, IMAGE and START_AT and of fleet.env's sizes and names), checked
 * against the Kubernetes API schema (kubernetes-models) and against what the harness writes and
 * reads. run.sh itself runs against a stand-in kubectl in run-sh.test.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  ConfigMap,
  PersistentVolumeClaim,
  Pod,
  type IConfigMap,
  type IContainer,
  type IPersistentVolumeClaim,
  type IPod,
  type IVolume,
} from 'kubernetes-models/v1';
import { Job, type IJob } from 'kubernetes-models/batch/v1';
import { parseAllDocuments } from 'yaml';
import { planFit } from '../../src/coordinator/plan-fit.js';
import { reportPath } from '../../src/report/model/write.js';
import { parseScenario } from '../../src/scenario/load.js';
import { repoPath } from '../helpers.js';

const VARIABLES = { RUN_ID: '20261202-120000', IMAGE: 'registry.example.com/mqtt-jwt-bench:0.1.0', START_AT: '2026-12-02T12:03:00Z' };
const FLEET_NAMES = ['SHARDS', 'DEVICES', 'ALG', 'ID_PATTERN', 'BROKER_URL'] as const;
type Fleet = Record<(typeof FLEET_NAMES)[number], string>;
type Manifest = { kind?: unknown } & Record<string, unknown>;
const MANIFESTS = ['volumes.yaml', 'configmap.yaml', 'keygen-job.yaml', 'keys-pod.yaml', 'job.yaml', 'merge-job.yaml'];

const text = (file: string): string => readFileSync(repoPath(`deploy/kubernetes/${file}`), 'utf8');

/** The environment of a render: the run's variables, and fleet.env's names only where given. */
function renderEnv(fleet: Partial<Fleet>): NodeJS.ProcessEnv {
  const unset = new Set<string>(FLEET_NAMES.filter((name) => fleet[name] === undefined));
  return Object.fromEntries(Object.entries({ ...process.env, ...VARIABLES, ...fleet }).filter(([name]) => !unset.has(name)));
}

/** fleet.env's values as sh reads them (a value in the environment wins). */
function fleetOf(overrides: Partial<Fleet> = {}): Fleet {
  const script = `. "$0"; printf '%s\\n' ${FLEET_NAMES.map((name) => `"$${name}"`).join(' ')}`;
  const lines = execFileSync('sh', ['-c', script, repoPath('deploy/kubernetes/fleet.env')], { env: renderEnv(overrides), encoding: 'utf8' }).split('\n');
  return Object.fromEntries(FLEET_NAMES.map((name, i) => [name, lines[i] ?? ''])) as Fleet;
}

/** `deploy/kubernetes/render.sh FILE`, parsed. */
function render(file: string, fleet: Partial<Fleet> = {}): Manifest[] {
  const rendered = execFileSync('sh', [repoPath('deploy/kubernetes/render.sh'), file], { env: renderEnv(fleet), encoding: 'utf8' });
  return parseAllDocuments(rendered).map((d) => d.toJS() as Manifest);
}

/** Checks a manifest against the Kubernetes API schema; returns it typed. */
function validate(manifest: Manifest): Job | ConfigMap | PersistentVolumeClaim | Pod {
  const models = {
    Job: () => new Job(manifest as unknown as IJob),
    ConfigMap: () => new ConfigMap(manifest as unknown as IConfigMap),
    PersistentVolumeClaim: () => new PersistentVolumeClaim(manifest as unknown as IPersistentVolumeClaim),
    Pod: () => new Pod(manifest as unknown as IPod),
  };
  const make = models[manifest.kind as keyof typeof models] as (() => Job | ConfigMap | PersistentVolumeClaim | Pod) | undefined;
  assert.ok(make !== undefined, `a model for ${String(manifest.kind)}`);
  const model = make();
  model.validate();
  return model;
}

/** Every manifest of one render, typed, and the scenario as the shards load it. */
function renderAll(fleet: Partial<Fleet> = {}) {
  const jobOf = (file: string): Job => {
    const model = validate(render(file, fleet)[0]!);
    assert.ok(model instanceof Job);
    return model;
  };
  const keysPod = validate(render('keys-pod.yaml', fleet)[0]!);
  assert.ok(keysPod instanceof Pod);
  const configMap = validate(render('configmap.yaml', fleet)[0]!) as ConfigMap;
  const { plan } = parseScenario(configMap.data!['scenario.yaml']!, 'configmap.yaml', { env: {} });
  return { keygen: jobOf('keygen-job.yaml'), job: jobOf('job.yaml'), merge: jobOf('merge-job.yaml'), keysPod, plan };
}

const containerOf = (j: Job): IContainer => j.spec!.template.spec!.containers[0]!;
const envOf = (c: IContainer): Record<string, string> => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? '']));
const scriptOf = (j: Job): string => (containerOf(j).args ?? []).join(' ');
const keysClaim = (volumes: IVolume[] | undefined): string | undefined => volumes?.find((v) => v.name === 'keys')?.persistentVolumeClaim?.claimName;

const fleet = fleetOf();
const { keygen, job, merge, keysPod, plan } = renderAll();
const jobs = [keygen, job, merge];
const shard = containerOf(job);
const storePath = plan.groups[0]!.keys.mode === 'per-device' ? plan.groups[0]!.keys.storePath : '';
const scaling = readFileSync(repoPath('docs/scaling.md'), 'utf8').replace(/\s+/g, ' ');

describe('deploy/kubernetes, rendered for one run id', () => {
  it('is valid against the Kubernetes API schema, and leaves no variable unrendered', () => {
    for (const file of MANIFESTS) {
      for (const manifest of render(file)) validate(manifest);
      const left = [...JSON.stringify(render(file)).matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
      assert.deepEqual(left, [], file);
    }
  });

  it('refuses to render without a variable the manifest uses, or with a count that is not a positive whole number', () => {
    const stderrOf = (file: string, env: NodeJS.ProcessEnv): string => {
      try {
        execFileSync('sh', [repoPath('deploy/kubernetes/render.sh'), file], { env, encoding: 'utf8', stdio: 'pipe' });
        return 'rendered';
      } catch (error) {
        return String((error as { stderr?: unknown }).stderr);
      }
    };
    assert.match(stderrOf('job.yaml', { ...renderEnv({}), START_AT: '' }), /job\.yaml needs START_AT/);
    assert.match(stderrOf('keygen-job.yaml', { ...renderEnv({}), IMAGE: '' }), /keygen-job\.yaml needs IMAGE/);
    assert.match(stderrOf('job.yaml', renderEnv({ SHARDS: '0' })), /SHARDS must be a positive whole number/);
    assert.match(stderrOf('keygen-job.yaml', renderEnv({ DEVICES: '1e5' })), /DEVICES must be a positive whole number/);
    assert.equal(stderrOf('volumes.yaml', { ...renderEnv({}), RUN_ID: '', IMAGE: '', START_AT: '' }), 'rendered');
  });

  it("takes the shard count and the fleet's size, ids, algorithm and broker from fleet.env alone", () => {
    assert.deepEqual(fleet, {
      SHARDS: '4',
      DEVICES: '100000',
      ALG: 'ES256',
      ID_PATTERN: 'device-{index:05}',
      BROKER_URL: 'mqtts://broker.example.internal:8883',
    });
    const other: Fleet = { SHARDS: '3', DEVICES: '900', ALG: 'RS256', ID_PATTERN: 'meter-{index:04}', BROKER_URL: 'mqtt://10.0.0.7:1883' };
    assert.deepEqual(fleetOf(other), other, 'a value in the environment wins over fleet.env');
    for (const [values, rendered] of [
      [fleet, renderAll()],
      [other, renderAll(other)],
    ] as const) {
      const shards = Number(values.SHARDS);
      assert.equal(rendered.job.spec?.completions, shards);
      assert.equal(rendered.job.spec?.parallelism, shards);
      assert.equal(envOf(containerOf(rendered.job))['MQTT_JWT_BENCH_SHARDS'], values.SHARDS);
      const group = rendered.plan.groups[0]!;
      assert.equal(group.count, Number(values.DEVICES));
      assert.equal(group.idPattern, values.ID_PATTERN);
      assert.equal(group.alg, values.ALG);
      assert.equal(group.keys.mode === 'per-device' ? group.keys.storePath : '', `/keys/fleet/${values.ALG}.json`);
      assert.deepEqual(rendered.plan.broker.kind === 'url' ? rendered.plan.broker.urls : [], [values.BROKER_URL]);
      const script = scriptOf(rendered.keygen);
      assert.equal(Number(/--count (\d+)/.exec(script)?.[1]), group.count);
      assert.equal(/--id-pattern '([^']+)'/.exec(script)?.[1], group.idPattern);
      assert.equal(/--alg (\S+)/.exec(script)?.[1], group.alg);
    }
    // No count, id pattern or algorithm is written anywhere else (comments aside).
    for (const file of MANIFESTS) assert.doesNotMatch(text(file).replace(/^\s*#.*$/gm, ''), /100000|: 4\b|"4"|ES256|device-\{/, file);
  });

  it('names every Job and the keys pod after the run, labels them, and lets Kubernetes delete the Jobs after a day', () => {
    assert.deepEqual(
      jobs.map((j) => j.metadata?.name),
      [`mqtt-jwt-bench-keygen-${VARIABLES.RUN_ID}`, `mqtt-jwt-bench-${VARIABLES.RUN_ID}`, `mqtt-jwt-bench-merge-${VARIABLES.RUN_ID}`],
    );
    for (const j of jobs) {
      assert.equal(j.metadata?.labels?.['mqtt-jwt-bench/run-id'], VARIABLES.RUN_ID);
      assert.ok((j.spec?.ttlSecondsAfterFinished ?? 0) > 0);
      assert.equal(j.spec?.template.spec?.restartPolicy, 'Never');
    }
    assert.equal(keysPod.metadata?.name, `mqtt-jwt-bench-keys-${VARIABLES.RUN_ID}`);
    assert.equal(keysPod.metadata?.labels?.['mqtt-jwt-bench/run-id'], VARIABLES.RUN_ID);
  });

  it('pulls the pushed image only when the node lacks it, never :latest', () => {
    for (const c of [...jobs.flatMap((j) => j.spec?.template.spec?.containers ?? []), ...(keysPod.spec?.containers ?? [])]) {
      assert.equal(c.image, VARIABLES.IMAGE);
      assert.equal(c.imagePullPolicy, 'IfNotPresent');
    }
    assert.doesNotMatch(MANIFESTS.map(text).join(''), /:latest/);
  });

  it('is an Indexed Job whose completions, parallelism and MQTT_JWT_BENCH_SHARDS agree, and that fails at once on a failed shard', () => {
    assert.equal(job.spec?.completionMode, 'Indexed');
    assert.equal(job.spec?.completions, job.spec?.parallelism);
    assert.equal(Number(envOf(shard)['MQTT_JWT_BENCH_SHARDS']), job.spec?.completions);
    const rules = job.spec?.podFailurePolicy?.rules ?? [];
    assert.deepEqual(rules[0], { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] });
    assert.deepEqual(rules[1], { action: 'FailJob', onExitCodes: { containerName: 'shard', operator: 'NotIn', values: [0] } });
  });

  it('spreads the shard pods evenly over the nodes, counting only nodes they may run on', () => {
    const labels = job.spec?.template.metadata?.labels ?? {};
    const constraints = job.spec?.template.spec?.topologySpreadConstraints ?? [];
    assert.equal(constraints.length, 1);
    const spread = constraints[0]!;
    assert.equal(spread.topologyKey, 'kubernetes.io/hostname');
    assert.equal(spread.maxSkew, 1);
    assert.equal(spread.whenUnsatisfiable, 'DoNotSchedule');
    assert.equal(spread.nodeTaintsPolicy, 'Honor');
    const selector = spread.labelSelector?.matchLabels ?? {};
    assert.equal(selector['mqtt-jwt-bench/run-id'], VARIABLES.RUN_ID, "this run's shards only");
    for (const [key, value] of Object.entries(selector)) assert.equal(labels[key], value, `the shards carry ${key}`);
    const selects = (podLabels: Record<string, string> = {}): boolean => Object.entries(selector).every(([k, v]) => podLabels[k] === v);
    assert.ok(!selects(keygen.spec?.template.metadata?.labels), 'not the keygen pod');
    assert.ok(!selects(merge.spec?.template.metadata?.labels), 'not the merge pod');
    assert.ok(!selects(keysPod.metadata?.labels), 'not the keys pod');
  });

  it("gives a stopped shard the time to write its report, and runs the commands that replace the entrypoint under the image's init", () => {
    // After SIGTERM a shard waits up to 30 s for its workers (STOP_GRACE_MS, src/coordinator/run.ts), then writes its report.
    assert.ok((job.spec?.template.spec?.terminationGracePeriodSeconds ?? 30) > 30);
    // A shell (or sleep) as PID 1 ignores SIGTERM; `command` replaces the image's entrypoint (tini), so it names tini again.
    for (const j of [keygen, merge]) assert.deepEqual(containerOf(j).command?.slice(0, 3), ['tini', '--', 'sh']);
    assert.deepEqual(keysPod.spec?.containers[0]?.command?.slice(0, 2), ['tini', '--']);
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
    const script = scriptOf(keygen);
    assert.equal(`${/--out (\S+)/.exec(script)?.[1]}/${/--alg (\S+)/.exec(script)?.[1]}.json`, storePath);
    assert.equal(Number(/--count (\d+)/.exec(script)?.[1]), group.count);
    assert.equal(/--id-pattern '([^']+)'/.exec(script)?.[1], group.idPattern);
    assert.ok(script.includes(`keys export --keys ${storePath} --format csv -o `), script);
    assert.equal(keysClaim(keygen.spec?.template.spec?.volumes), keysClaim(job.spec?.template.spec?.volumes));
    assert.equal(shard.volumeMounts?.find((m) => m.name === 'keys')?.readOnly, true, 'shards read the keystore, never write it');
  });

  it("registers the keys: run.sh exports the scenario's keystore from a pod that mounts it read-only, before any shard starts", () => {
    assert.equal(keysClaim(keysPod.spec?.volumes), keysClaim(job.spec?.template.spec?.volumes));
    assert.equal(keysPod.spec?.containers[0]?.volumeMounts?.find((m) => m.name === 'keys')?.readOnly, true);
    assert.ok((keysPod.spec?.activeDeadlineSeconds ?? 0) > 0, 'a forgotten keys pod ends itself');
    assert.equal(keysPod.spec?.restartPolicy, 'Never');
    const runSh = text('run.sh');
    assert.ok(runSh.includes('keys export --keys "/keys/fleet/$ALG.json" --format "$KEYS_FORMAT"'));
    assert.equal(`/keys/fleet/${fleet.ALG}.json`, storePath);
    const step = runSh.indexOf('\nregister_keys\n');
    assert.ok(step > runSh.indexOf('\napply keygen-job.yaml\n') && step < runSh.indexOf('\napply job.yaml\n'), 'after the keys, before the shards');
  });

  it("merges only this run's folder: the shards' reports match its glob, earlier runs and the merged report do not", () => {
    const command = scriptOf(merge);
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

  it('says what to do where fsGroup is ignored (NFS, EFS), since every pod writes the shared volumes as uid 1000', () => {
    for (const context of [...jobs.map((j) => j.spec?.template.spec?.securityContext), keysPod.spec?.securityContext]) assert.equal(context?.runAsUser, 1000);
    const note = text('volumes.yaml').replace(/\n#\s*/g, ' ');
    assert.match(note, /fsGroup: 1000.*does not on NFS volumes/);
    assert.match(note, /Amazon EFS/);
    assert.match(note, /EACCES/);
    assert.match(note, /provisioningMode: efs-ap`, with `uid: "1000"`/);
    assert.match(note, /chown 1000:1000/);
    assert.match(note, /fsGroupPolicy/);
    assert.match(scaling, /fsGroup.*NFS.*EFS/);
  });

  it("sizes a pod for DEVICES / SHARDS connections as docs/scaling.md says, and a shard passes the harness's preflight there", () => {
    const perPod = Number(fleet.DEVICES) / Number(fleet.SHARDS);
    const stated = [...scaling.matchAll(/([\d,]+) connections per pod/g)].map((m) => Number(m[1]!.replace(/,/g, '')));
    assert.ok(stated.length > 0, 'docs/scaling.md states the connections per pod');
    for (const n of stated) assert.equal(n, perPod);
    // The 20,000 descriptors are the limit of the machine this project is built on, not everyone's.
    assert.doesNotMatch(scaling, /A process here may open at most 20,000 \(a hard limit that root cannot raise\)/);
    assert.match(scaling, /ulimit -Hn/);
    const range = job.spec?.template.spec?.securityContext?.sysctls?.find((c) => c.name === 'net.ipv4.ip_local_port_range')?.value ?? '';
    const [low, high] = range.split(/\s+/).map(Number);
    const pod = (openFiles: number) => ({
      openFilesSoft: openFiles,
      openFilesHard: openFiles,
      ephemeralPorts: high! - low! + 1,
      freeMemoryBytes: 1024 ** 3,
      totalMemoryBytes: 2 * 1024 ** 3,
    });
    const count = Number(fleet.SHARDS);
    // 524,288: the hard limit containerd 2.0 leaves containers, the lower of the two common ones; Node raises its soft limit to it.
    for (let index = 0; index < count; index++) assert.deepEqual(planFit(plan, { shard: { index, count } }, pod(524_288)).problems, [], `shard ${index}`);
    // Where a process may open only 20,000, a shard is refused before it connects.
    assert.equal(planFit(plan, { shard: { index: 0, count } }, pod(20_000)).problems.length, 1);
  });
});
