/**
 * deploy/kubernetes run for real, on podman (docs/scaling.md, "On a real container engine"): the
 * image built from the repository's Dockerfile on a local node:24-slim (no registry), the
 * manifests rendered by deploy/kubernetes/render.sh, the Jobs turned into Pods
 * (test/deploy/podman/jobs-to-pods.ts), and run.sh's steps as pods: keygen, the keys pod whose
 * export registers the fleet with the project's own broker in a container, three shards, the
 * merge. Then a shard pod stopped by SIGTERM, against Debian's mosquitto in a container. All
 * traffic stays on a container network the test makes and removes. Skipped by name without podman;
 * REQUIRE_PODMAN=1 (.ci/run) makes that a failure.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildBase, buildImage, logs, PODMAN, podman, removeAll, volumePath, waitExit, waitForLog } from '../deploy/podman/engine.js';
import { jobsToPods, stringifyManifests, type Manifest } from '../deploy/podman/jobs-to-pods.js';
import { manifestOf, type SmallRun } from '../deploy/podman/manifests.js';
import { repoPath, REPO_ROOT } from '../helpers.js';
import { assertPresent, skipWithout } from '../support/optional-tool.js';

const skip = skipWithout(PODMAN);
const id = `check-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}-${process.pid}`;
const IMAGE = `localhost/mqtt-jwt-bench:${id}`;
const MOSQUITTO_IMAGE = `localhost/mqtt-jwt-bench-mosquitto:${id}`;
const NETWORK = `mqtt-jwt-bench-${id}`;
const VERSION = (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string }).version;

/** What the test reads of a report (docs/report-format.md); nothing imported from src/. */
interface Report {
  runId: string;
  status: string;
  total: { counters: Record<string, number> };
  planShare: { devicesPlanned: number; messagesPlanned: number };
  shards?: { count: number; present: number[]; missing: number[]; sources: { shard: number; status: string }[] };
  caveats?: { kind: string }[];
}

const nameOf = (m: Manifest): string => (m['metadata'] as { name: string }).name;
const startAt = (inMs: number): string => new Date(Date.now() + inMs).toISOString().replace(/\.\d+Z$/, 'Z');
const readReport = (file: string): Report => JSON.parse(readFileSync(file, 'utf8')) as Report;

describe('deploy/kubernetes on a real container engine (podman)', { skip, timeout: 480_000 }, () => {
  const made = { pods: [] as string[], containers: [] as string[], volumes: [] as string[], networks: [] as string[], images: [] as string[] };
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-podman-'));
  const took: string[] = [];

  /** Writes manifests to a file and plays them on the check's network; the containers' names. */
  async function play(name: string, manifests: Manifest[], configMaps: Manifest[] = []): Promise<string[]> {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, stringifyManifests(manifests));
    const configMapArgs = configMaps.flatMap((cm, i) => {
      const cmFile = join(dir, `${name}-configmap-${i}.yaml`);
      writeFileSync(cmFile, stringifyManifests([cm]));
      made.volumes.push(nameOf(cm));
      return ['--configmap', cmFile];
    });
    const containers: string[] = [];
    for (const m of manifests) {
      if (m.kind === 'PersistentVolumeClaim') made.volumes.push(nameOf(m));
      if (m.kind !== 'Pod') continue;
      made.pods.push(nameOf(m));
      for (const c of (m['spec'] as { containers: { name: string }[] }).containers) containers.push(`${nameOf(m)}-${c.name}`);
    }
    await podman(['kube', 'play', '--network', NETWORK, ...configMapArgs, file], 180_000);
    return containers;
  }

  /** The run's claim for `keys` or `reports`. */
  function claim(run: SmallRun, what: 'keys' | 'reports'): string {
    const name = manifestOf('volumes.yaml', run)
      .map(nameOf)
      .find((n) => n.startsWith(`mqtt-jwt-bench-${what}-`));
    assert.ok(name !== undefined, `a ${what} claim in volumes.yaml`);
    return name;
  }

  /** run.sh's first steps: the claims, then the keygen Job; waits for it to exit 0. */
  async function keygen(run: SmallRun): Promise<void> {
    await play(`${run.runId}-volumes`, manifestOf('volumes.yaml', run));
    const [container] = await play(`${run.runId}-keygen`, jobsToPods(manifestOf('keygen-job.yaml', run)));
    assert.equal(await waitExit(container!, 120_000), 0, `keygen: ${await logs(container!)}`);
  }

  before(async () => {
    if (skip) return;
    assertPresent(PODMAN);
    let ms = Date.now();
    await buildBase();
    took.push(`base node:24-slim ${Date.now() - ms} ms`);
    ms = Date.now();
    // The two builds overlap: the project's is CPU-bound (npm ci, tsc), mosquitto's waits on the mirror.
    made.images.push(IMAGE, MOSQUITTO_IMAGE);
    await Promise.all([
      buildImage(IMAGE, REPO_ROOT),
      buildImage(MOSQUITTO_IMAGE, repoPath('test/deploy/podman'), repoPath('test/deploy/podman/mosquitto.Containerfile')),
    ]);
    took.push(`images ${Date.now() - ms} ms`);
    made.networks.push(NETWORK);
    await podman(['network', 'create', NETWORK]);
  });

  after(async () => {
    // KEEP_PODMAN_CHECK=1 leaves the pods, volumes and images for a look (podman volume inspect …).
    if (process.env['KEEP_PODMAN_CHECK'] === '1') console.error(`kept: ${JSON.stringify(made)}`);
    else if (!skip) await removeAll(made);
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds an image that runs as non-root under tini, keeps reports on a volume and answers --version', async (t) => {
    t.diagnostic(took.join(', '));
    const [config] = JSON.parse(await podman(['image', 'inspect', IMAGE])) as { Config: { User: string; Entrypoint: string[]; Volumes?: object } }[];
    assert.equal(config?.Config.User, '1000:1000');
    assert.deepEqual(config?.Config.Entrypoint, ['tini', '--', 'mqtt-jwt-bench']);
    assert.ok(Object.keys(config?.Config.Volumes ?? {}).includes('/reports'));
    assert.equal((await podman(['run', '--rm', IMAGE, '--version'])).trim(), VERSION);
  });

  it("runs keygen, the keys' registration, three shard pods and the merge: every shard merged, the plan's counts, one run id, exit 0", async () => {
    const broker = `mqtt-jwt-bench-broker-${id}`;
    // START_AT is set again when the shards are played; only job.yaml uses it.
    const run: SmallRun = {
      runId: id,
      image: IMAGE,
      startAt: startAt(0),
      suffix: `-${id}`,
      devices: 30,
      shards: 3,
      brokerUrl: `mqtt://${broker}:1883`,
      publishFor: '10s',
    };
    await keygen(run);

    // run.sh's registration step: the keys pod mounts the keystore, `keys export` streams its public
    // keys out (run.sh's default format, a JWK Set), and REGISTER, here, starts the broker with them.
    const [keysContainer] = await play(`${id}-keys`, manifestOf('keys-pod.yaml', run));
    const jwks = join(dir, 'fleet.jwks.json');
    writeFileSync(
      jwks,
      await podman(['exec', keysContainer!, 'node', 'dist/src/cli/main.js', 'keys', 'export', '--keys', '/keys/fleet/ES256.json', '--format', 'jwks']),
    );
    await podman(['pod', 'rm', '--force', nameOf(manifestOf('keys-pod.yaml', run)[0]!)]);
    made.containers.push(broker);
    await podman([
      'run',
      '--detach',
      '--name',
      broker,
      '--network',
      NETWORK,
      '--volume',
      `${jwks}:/fleet.jwks.json:ro`,
      IMAGE,
      'broker',
      '--host',
      '0.0.0.0',
      '--port',
      '1883',
      '--jwks',
      '/fleet.jwks.json',
    ]);
    await waitForLog(broker, /listening mqtt:\/\//, 60_000);
    // tini is PID 1 (the entrypoint), the user the image's; `run`'s default report folder leads to the volume.
    assert.equal((await podman(['exec', broker, 'sh', '-c', 'cat /proc/1/comm; id -u; readlink /app/reports'])).trim(), 'tini\n1000\n/reports');

    const shardRun = { ...run, startAt: startAt(20_000) };
    const shards = await play(`${id}-shards`, jobsToPods(manifestOf('job.yaml', shardRun)), manifestOf('configmap.yaml', shardRun));
    assert.equal(shards.length, 3);
    for (const shard of shards) assert.equal(await waitExit(shard, 180_000), 0, `${shard}: a shard that ran its slice exits 0:\n${await logs(shard)}`);

    const [merge] = await play(`${id}-merge`, jobsToPods(manifestOf('merge-job.yaml', run)));
    const mergeExit = await waitExit(merge!, 120_000);
    const mergeLog = await logs(merge!);
    assert.equal(mergeExit, 0, mergeLog);
    const reports = join(await volumePath(claim(run, 'reports')), id);
    const merged = readReport(join(reports, `${id}-merged.json`));
    assert.equal(merged.runId, id);
    assert.equal(merged.status, 'complete', mergeLog);
    assert.deepEqual(
      { count: merged.shards?.count, present: merged.shards?.present, missing: merged.shards?.missing },
      { count: 3, present: [0, 1, 2], missing: [] },
    );
    assert.deepEqual(
      merged.shards?.sources.map((s) => s.status),
      ['complete', 'complete', 'complete'],
    );
    const messages = 30 * 10;
    assert.deepEqual(
      { devicesPlanned: merged.planShare.devicesPlanned, messagesPlanned: merged.planShare.messagesPlanned },
      { devicesPlanned: 30, messagesPlanned: messages },
    );
    const { devices, connected, connectFailed = 0, published, acked } = merged.total.counters;
    assert.deepEqual(
      { devices, connected, connectFailed, published, acked },
      { devices: 30, connected: 30, connectFailed: 0, published: messages, acked: messages },
    );
    const shardFiles = readdirSync(reports).filter((f) => /-shard-\d+-of-3\.json$/.test(f));
    assert.equal(shardFiles.length, 3);
    for (const f of shardFiles) assert.equal(readReport(join(reports, f)).runId, id, f);
  });

  it('ends a shard pod on SIGTERM within its grace period, with a report marked interrupted (against mosquitto)', async () => {
    const runId = `${id}-term`;
    const mosquitto = `mqtt-jwt-bench-mosquitto-${id}`;
    made.containers.push(mosquitto);
    await podman(['run', '--detach', '--name', mosquitto, '--network', NETWORK, MOSQUITTO_IMAGE]);
    await waitForLog(mosquitto, /mosquitto version \S+ running/, 60_000);
    // Shard 0 of 2 (a run of one shard writes no run folder): the pod of one shard, stopped as a deletion or a drain would.
    const run: SmallRun = {
      runId,
      image: IMAGE,
      startAt: startAt(10_000),
      suffix: `-${runId}`,
      devices: 30,
      shards: 2,
      brokerUrl: `mqtt://${mosquitto}:1883`,
      publishFor: '5m',
    };
    await keygen(run);
    const job = manifestOf('job.yaml', run);
    const [shard] = await play(`${runId}-shard`, jobsToPods(job).slice(0, 1), manifestOf('configmap.yaml', run));
    await waitForLog(shard!, /stage 2\/3: publish/, 90_000);

    // What the kubelet does when a pod is deleted: SIGTERM to the container's PID 1 (tini, which
    // passes it on), SIGKILL after the grace period, and only then the pod's sandbox. Not `podman
    // pod stop`: it stops the pod's infra container at the same time, which takes the network away
    // under the shard (whose workers then wait out their 30 s stop grace; hence job.yaml's 60 s).
    const graceSec =
      (job[0] as { spec: { template: { spec: { terminationGracePeriodSeconds?: number } } } }).spec.template.spec.terminationGracePeriodSeconds ?? 30;
    const stopMs = Date.now();
    await podman(['stop', '--time', String(graceSec), shard!], (graceSec + 30) * 1000);
    const tookMs = Date.now() - stopMs;
    const exit = await waitExit(shard!, 10_000);
    const log = await logs(shard!);
    assert.equal(exit, 130, `interrupted is exit 130 (137 would be the kill after the grace period):\n${log}`);
    assert.ok(tookMs < graceSec * 1000, `stopped in ${tookMs} ms, grace ${graceSec} s`);
    assert.match(log, /SIGTERM: stopping gracefully/);

    const folder = join(await volumePath(claim(run, 'reports')), runId);
    const [file] = readdirSync(folder).filter((f) => f.endsWith('-shard-0-of-2.json'));
    assert.ok(file !== undefined, `no shard report in ${folder}`);
    const report = readReport(join(folder, file));
    assert.equal(report.runId, runId);
    assert.equal(report.status, 'interrupted');
    assert.ok(report.caveats?.some((c) => c.kind === 'interrupted'));
    assert.ok(report.total.counters['published']! < report.planShare.messagesPlanned, 'stopped before the end of its plan');
  });
});
