/**
 * deploy/kubernetes run for real, on podman (docs/scaling.md, "On a real container engine"): the
 * image built from the repository's Dockerfile on a local node:24-slim (no registry), the
 * manifests rendered as run.sh renders them, the Jobs turned into Pods (jobs-to-pods.ts), and
 * keygen → shards → merge run as pods against the project's own broker in a container; then a
 * shard pod stopped by SIGTERM, against Debian's mosquitto in a container. All traffic stays on a
 * container network the test makes and removes. Skipped by name without podman; REQUIRE_PODMAN=1
 * (.ci/run) makes that a failure.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoPath, REPO_ROOT } from '../helpers.js';
import {
  buildBase,
  buildImage,
  logs,
  podman,
  removeAll,
  REQUIRED,
  requirePodman,
  skipWithoutPodman,
  volumePath,
  waitExit,
  waitForLog,
} from './podman/engine.js';
import { jobsToPods, stringifyManifests, type Manifest } from './podman/jobs-to-pods.js';
import { render, smallJobs, smallScenario, withSuffix, type SmallRun } from './podman/manifests.js';

const skip = skipWithoutPodman();
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
  shard?: { index: number; count: number };
  shards?: { count: number; present: number[]; missing: number[]; sources: { shard: number; status: string }[] };
  caveats?: { kind: string }[];
  generator?: { saturated: boolean; behindPlan: boolean };
}

describe('deploy/kubernetes on a real container engine (podman)', { skip, timeout: 480_000 }, () => {
  const made = { pods: [] as string[], containers: [] as string[], volumes: [] as string[], networks: [] as string[], images: [] as string[] };
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-podman-'));

  /** Writes manifests to a file and plays them on the check's network; the containers' names. */
  async function play(name: string, manifests: Manifest[], configMaps: Manifest[] = []): Promise<string[]> {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, stringifyManifests(manifests));
    const configMapArgs = configMaps.flatMap((cm, i) => {
      const cmFile = join(dir, `${name}-configmap-${i}.yaml`);
      writeFileSync(cmFile, stringifyManifests([cm]));
      made.volumes.push((cm['metadata'] as { name: string }).name);
      return ['--configmap', cmFile];
    });
    const containers: string[] = [];
    for (const m of manifests) {
      const metadata = m['metadata'] as { name: string };
      if (m.kind === 'PersistentVolumeClaim') made.volumes.push(metadata.name);
      if (m.kind !== 'Pod') continue;
      made.pods.push(metadata.name);
      for (const c of (m['spec'] as { containers: { name: string }[] }).containers) containers.push(`${metadata.name}-${c.name}`);
    }
    await podman(['kube', 'play', '--network', NETWORK, ...configMapArgs, file], 180_000);
    return containers;
  }

  /** The four steps' manifests for one small run, with its variables and names. */
  function manifestsOf(runId: string, run: SmallRun, startAt: string): Record<'volumes' | 'configMap' | 'keygen' | 'job' | 'merge', Manifest[]> {
    const variables = { RUN_ID: runId, IMAGE, START_AT: startAt };
    const of = (file: string): Manifest[] => withSuffix(smallJobs(smallScenario(render(file, variables), run), run), run.suffix);
    return { volumes: of('volumes.yaml'), configMap: of('configmap.yaml'), keygen: of('keygen-job.yaml'), job: of('job.yaml'), merge: of('merge-job.yaml') };
  }

  async function keygen(runId: string, m: ReturnType<typeof manifestsOf>): Promise<void> {
    await play(`${runId}-volumes`, m.volumes);
    const [container] = await play(`${runId}-keygen`, jobsToPods(m.keygen));
    assert.equal(await waitExit(container!, 120_000), 0, `keygen: ${await logs(container!)}`);
  }

  /** The run's claim for `keys` or `reports`. */
  function claim(m: ReturnType<typeof manifestsOf>, what: 'keys' | 'reports'): string {
    const name = m.volumes.map((v) => (v['metadata'] as { name: string }).name).find((n) => n.startsWith(`mqtt-jwt-bench-${what}-`));
    assert.ok(name !== undefined, `a ${what} claim in volumes.yaml`);
    return name;
  }

  const startAt = (inMs: number): string => new Date(Date.now() + inMs).toISOString().replace(/\.\d+Z$/, 'Z');
  const readReport = (file: string): Report => JSON.parse(readFileSync(file, 'utf8')) as Report;

  const took: string[] = [];
  before(async () => {
    if (skip) return;
    if (REQUIRED) requirePodman();
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

  it("runs keygen, three shard pods and the merge against the project's broker: every shard merged, the plan's counts, one run id", async () => {
    const broker = `mqtt-jwt-bench-broker-${id}`;
    const run: SmallRun = { suffix: `-${id}`, devices: 30, shards: 3, brokerUrl: `mqtt://${broker}:1883`, publishFor: '10s' };
    // START_AT is set when the shards are played; the keygen and merge Jobs do not use it.
    const m = manifestsOf(id, run, startAt(0));
    await keygen(id, m);
    const keys = claim(m, 'keys');

    // The broker registers the public keys keygen exported, as the platform under test would.
    made.containers.push(broker);
    await podman([
      'run',
      '--detach',
      '--name',
      broker,
      '--network',
      NETWORK,
      '--volume',
      `${keys}:/keys:ro`,
      IMAGE,
      'broker',
      '--host',
      '0.0.0.0',
      '--port',
      '1883',
      '--registry',
      '/keys/fleet/registry.csv',
    ]);
    await waitForLog(broker, /listening mqtt:\/\//, 60_000);
    // tini is PID 1 (the entrypoint), the user the image's; `run`'s default report folder leads to the volume.
    assert.equal((await podman(['exec', broker, 'sh', '-c', 'cat /proc/1/comm; id -u; readlink /app/reports'])).trim(), 'tini\n1000\n/reports');

    const shards = await play(`${id}-shards`, jobsToPods(manifestsOf(id, run, startAt(20_000)).job), m.configMap);
    assert.equal(shards.length, 3);
    for (const shard of shards) assert.equal(await waitExit(shard, 180_000), 0, `${shard}: a shard that ran its slice exits 0:\n${await logs(shard)}`);

    const [merge] = await play(`${id}-merge`, jobsToPods(m.merge));
    const mergeExit = await waitExit(merge!, 120_000);
    const mergeLog = await logs(merge!);
    const reports = join(await volumePath(claim(m, 'reports')), id);
    const merged = readReport(join(reports, `${id}-merged.json`));
    // 0, or 6 when the generator was judged saturated or behind plan (two cores, three shards and a broker).
    if (mergeExit === 6) assert.ok(merged.generator?.saturated === true || merged.generator?.behindPlan === true, mergeLog);
    else assert.equal(mergeExit, 0, mergeLog);

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
    // Shard 0 of 2 (a run of one shard writes no run folder): the pod of one shard, stopped as a node drain or a deletion would.
    const run: SmallRun = { suffix: `-${runId}`, devices: 30, shards: 2, brokerUrl: `mqtt://${mosquitto}:1883`, publishFor: '5m' };
    const m = manifestsOf(runId, run, startAt(10_000));
    await keygen(runId, m);
    const [shard] = await play(`${runId}-shard`, jobsToPods(m.job).slice(0, 1), m.configMap);
    await waitForLog(shard!, /stage 2\/3: publish/, 90_000);

    // What the kubelet does when a pod is deleted: SIGTERM to the container's PID 1 (tini, which
    // passes it on), SIGKILL after the grace period, and only then the pod's sandbox. Not `podman
    // pod stop`: it stops the pod's infra container at the same time, which takes the network away
    // under the shard (whose workers then wait out their 30 s stop grace; hence job.yaml's 60 s).
    const graceSec =
      (m.job[0] as { spec: { template: { spec: { terminationGracePeriodSeconds?: number } } } }).spec.template.spec.terminationGracePeriodSeconds ?? 30;
    const stopMs = Date.now();
    await podman(['stop', '--time', String(graceSec), shard!], (graceSec + 30) * 1000);
    const tookMs = Date.now() - stopMs;
    const exit = await waitExit(shard!, 10_000);
    const log = await logs(shard!);
    assert.equal(exit, 130, `interrupted is exit 130 (137 would be the kill after the grace period):\n${log}`);
    assert.ok(tookMs < graceSec * 1000, `stopped in ${tookMs} ms, grace ${graceSec} s`);
    assert.match(log, /SIGTERM: stopping gracefully/);

    const folder = join(await volumePath(claim(m, 'reports')), runId);
    const [file] = readdirSync(folder).filter((f) => f.endsWith('-shard-0-of-2.json'));
    assert.ok(file !== undefined, `no shard report in ${folder}`);
    const report = readReport(join(folder, file));
    assert.equal(report.runId, runId);
    assert.equal(report.status, 'interrupted');
    assert.ok(report.caveats?.some((c) => c.kind === 'interrupted'));
    assert.ok(report.total.counters['published']! < report.planShare.messagesPlanned, 'stopped before the end of its plan');
  });
});
