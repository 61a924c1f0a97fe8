/**
 * deploy/kubernetes for the real-engine check: rendered with the tooling run.sh uses (envsubst of
 * exactly the variables its render() names), then made small (a fleet of tens, not 100,000) and
 * private to one check run (claims and ConfigMaps suffixed, so runs side by side never share a
 * volume). Everything else is what a cluster would get.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { IJob } from 'kubernetes-models/batch/v1';
import type { IPodSpec } from 'kubernetes-models/v1';
import { parse, stringify } from 'yaml';
import { repoPath } from '../../helpers.js';
import { parseManifests, type Manifest } from './jobs-to-pods.js';

/** The variables run.sh's render() hands envsubst, e.g. '${RUN_ID} ${IMAGE} ${START_AT}'. */
export function runShVariables(): string {
  const list = /render\(\)\s*\{\s*envsubst '([^']+)'/.exec(readFileSync(repoPath('deploy/kubernetes/run.sh'), 'utf8'))?.[1];
  if (list === undefined) throw new Error("deploy/kubernetes/run.sh: no render() { envsubst '…' } to render with");
  return list;
}

/** One file of deploy/kubernetes through envsubst, as run.sh renders it. */
export function render(file: string, variables: Record<string, string>): Manifest[] {
  const ran = spawnSync('envsubst', [runShVariables()], {
    input: readFileSync(repoPath(`deploy/kubernetes/${file}`), 'utf8'),
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...variables },
    encoding: 'utf8',
  });
  if (ran.status !== 0) throw new Error(`envsubst of ${file}: ${ran.error?.message ?? ran.stderr}`);
  return parseManifests(ran.stdout);
}

export interface SmallRun {
  /** Appended to claim and ConfigMap names. */
  suffix: string;
  devices: number;
  shards: number;
  brokerUrl: string;
  /** The publish stage's duration, e.g. '10s'. */
  publishFor: string;
}

/** Claims and ConfigMaps get the run's suffix, in their manifests and in every pod that mounts them. */
export function withSuffix(manifests: Manifest[], suffix: string): Manifest[] {
  return manifests.map((m) => {
    const copy = structuredClone(m);
    if (copy.kind === 'PersistentVolumeClaim' || copy.kind === 'ConfigMap') {
      const metadata = copy['metadata'] as { name: string };
      metadata.name += suffix;
    }
    if (copy.kind === 'Job') {
      for (const volume of (copy as unknown as IJob).spec?.template.spec?.volumes ?? []) {
        if (volume.persistentVolumeClaim !== undefined) volume.persistentVolumeClaim.claimName += suffix;
        if (volume.configMap?.name !== undefined) volume.configMap.name += suffix;
      }
    }
    return copy;
  });
}

/** The ConfigMap's own scenario with a fleet of `devices`, connected at `devices`/3 per second and publishing 1/s for `publishFor`. */
export function smallScenario(manifests: Manifest[], run: SmallRun): Manifest[] {
  return manifests.map((m) => {
    if (m.kind !== 'ConfigMap') return m;
    const copy = structuredClone(m) as Manifest & { data: Record<string, string> };
    const scenario = parse(copy.data['scenario.yaml'] ?? '') as { groups: { count: number }[]; stages: { type: string; rate?: string; duration?: string }[] };
    scenario.groups[0]!.count = run.devices;
    for (const stage of scenario.stages) {
      if (stage.type === 'connect') stage.rate = `${Math.max(1, Math.round(run.devices / 3))}/s`;
      if (stage.type === 'publish') Object.assign(stage, { rate: '1/s', duration: run.publishFor });
    }
    copy.data['scenario.yaml'] = stringify(scenario);
    return copy;
  });
}

/** The keygen Job makes `devices` keys; the shards' Job has `shards` pods and talks to `brokerUrl`. */
export function smallJobs(manifests: Manifest[], run: SmallRun): Manifest[] {
  return manifests.map((m) => {
    if (m.kind !== 'Job') return m;
    const job = structuredClone(m) as unknown as IJob;
    const pod = job.spec!.template.spec as IPodSpec;
    for (const c of pod.containers) {
      c.args = c.args?.map((a) => a.replace(/--count \d+/, `--count ${run.devices}`));
      for (const e of c.env ?? []) {
        if (e.name === 'MQTT_JWT_BENCH_SHARDS') e.value = String(run.shards);
        if (e.name === 'BROKER_URL') e.value = run.brokerUrl;
      }
    }
    if (job.spec!.completionMode === 'Indexed') Object.assign(job.spec!, { completions: run.shards, parallelism: run.shards });
    return job as unknown as Manifest;
  });
}
