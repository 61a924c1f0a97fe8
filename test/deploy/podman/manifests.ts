/**
 * deploy/kubernetes for the real-engine check: rendered by deploy/kubernetes/render.sh, as run.sh
 * renders it (the run's RUN_ID, IMAGE and START_AT; fleet.env's sizes, with the fleet's size, the
 * shard count and the broker given in the environment as fleet.env allows), then the scenario's
 * stages made short and private to one check run (claims and ConfigMaps suffixed, so runs side
 * by side never share a volume). Everything else is what a cluster would get.
 */
import { execFileSync } from 'node:child_process';
import type { IJob } from 'kubernetes-models/batch/v1';
import type { IPodSpec } from 'kubernetes-models/v1';
import { parse, stringify } from 'yaml';
import { repoPath } from '../../helpers.js';
import { parseManifests, type Manifest } from './jobs-to-pods.js';

export interface SmallRun {
  runId: string;
  image: string;
  /** The shards' common start (job.yaml), ISO 8601 UTC to the second. */
  startAt: string;
  /** Appended to claim and ConfigMap names. */
  suffix: string;
  devices: number;
  shards: number;
  brokerUrl: string;
  /** The publish stage's duration, e.g. '10s'. */
  publishFor: string;
}

/** `deploy/kubernetes/render.sh FILE` for the run, parsed. */
export function render(file: string, run: SmallRun): Manifest[] {
  const env = {
    ...process.env,
    RUN_ID: run.runId,
    IMAGE: run.image,
    START_AT: run.startAt,
    DEVICES: String(run.devices),
    SHARDS: String(run.shards),
    BROKER_URL: run.brokerUrl,
  };
  return parseManifests(execFileSync('sh', [repoPath('deploy/kubernetes/render.sh'), file], { env, encoding: 'utf8' }));
}

/** Claims and ConfigMaps get the run's suffix, in their manifests and in every pod that mounts them. */
export function withSuffix(manifests: Manifest[], suffix: string): Manifest[] {
  return manifests.map((m) => {
    const copy = structuredClone(m);
    if (copy.kind === 'PersistentVolumeClaim' || copy.kind === 'ConfigMap') (copy['metadata'] as { name: string }).name += suffix;
    const pod = copy.kind === 'Job' ? (copy as unknown as IJob).spec?.template.spec : copy.kind === 'Pod' ? (copy['spec'] as IPodSpec) : undefined;
    for (const volume of pod?.volumes ?? []) {
      if (volume.persistentVolumeClaim !== undefined) volume.persistentVolumeClaim.claimName += suffix;
      if (volume.configMap?.name !== undefined) volume.configMap.name += suffix;
    }
    return copy;
  });
}

/**
 * The ConfigMap's scenario, publishing 1/s per device for `publishFor` (not 1/min for 10 minutes),
 * with the generator's figures recorded but not judged: a functional run on a shared machine
 * expects its exit codes exactly (CONTRIBUTING.md).
 */
export function shortScenario(manifests: Manifest[], run: SmallRun): Manifest[] {
  return manifests.map((m) => {
    if (m.kind !== 'ConfigMap') return m;
    const copy = structuredClone(m) as Manifest & { data: Record<string, string> };
    const scenario = parse(copy.data['scenario.yaml'] ?? '') as { judgeGenerator?: boolean; stages: { type: string; rate?: string; duration?: string }[] };
    for (const stage of scenario.stages) if (stage.type === 'publish') Object.assign(stage, { rate: '1/s', duration: run.publishFor });
    scenario.judgeGenerator = false;
    copy.data['scenario.yaml'] = stringify(scenario);
    return copy;
  });
}

/** One manifest of deploy/kubernetes, rendered, shortened and suffixed for the run. */
export function manifestOf(file: string, run: SmallRun): Manifest[] {
  return withSuffix(shortScenario(render(file, run), run), run.suffix);
}
