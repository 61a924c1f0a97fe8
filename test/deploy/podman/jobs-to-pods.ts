/**
 * The Pods Kubernetes would make of deploy/kubernetes's Jobs, for `podman kube play`, which runs
 * Pods, PersistentVolumeClaims and ConfigMaps but not Jobs ("does not contain any supported kube
 * kind"). Test tooling, not part of the product:
 *   envsubst '${RUN_ID} ${IMAGE} ${START_AT}' < deploy/kubernetes/job.yaml | node dist/test/deploy/podman/jobs-to-pods.js | podman kube play -
 *
 * A Job of `completions` c makes c Pods from its template, named `<job>-<index>`: an Indexed Job
 * sets JOB_COMPLETION_INDEX (Kubernetes: from the pod's `batch.kubernetes.io/job-completion-index`
 * annotation) in every container, and `job-name` labels every pod, as Kubernetes does. What only a
 * Job controller does (backoffLimit, podFailurePolicy, ttlSecondsAfterFinished, parallelism)
 * has no Pod counterpart and is left to the caller, who waits for the pods and reads their exits.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { IJob } from 'kubernetes-models/batch/v1';
import type { IPod } from 'kubernetes-models/v1';
import { parseAllDocuments, stringify } from 'yaml';

export type Manifest = { kind?: unknown } & Record<string, unknown>;

export const COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';

/** The pods of one Job, in index order. */
export function podsOfJob(job: IJob): IPod[] {
  const name = job.metadata?.name;
  if (name === undefined) throw new Error('a Job without metadata.name');
  const spec = job.spec;
  const template = spec?.template;
  if (spec === undefined || template?.spec === undefined) throw new Error(`job ${name}: no spec.template.spec`);
  const completions = spec.completions ?? 1;
  if (spec.completionMode === 'Indexed' && spec.parallelism !== undefined && spec.parallelism < completions)
    throw new Error(`job ${name}: parallelism ${spec.parallelism} < completions ${completions}; all pods here run at once`);
  const indexed = spec.completionMode === 'Indexed';
  return Array.from({ length: completions }, (_, index) => {
    const indexEnv = indexed ? [{ name: 'JOB_COMPLETION_INDEX', value: String(index) }] : [];
    const containers = template.spec!.containers.map((c) => ({ ...c, env: [...(c.env ?? []), ...indexEnv] }));
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${name}-${index}`,
        labels: { ...job.metadata?.labels, ...template.metadata?.labels, 'job-name': name },
        ...(indexed ? { annotations: { ...template.metadata?.annotations, [COMPLETION_INDEX_ANNOTATION]: String(index) } } : {}),
      },
      spec: { ...template.spec!, containers },
    };
  });
}

/** Jobs become their pods; every other manifest passes through as it is. */
export function jobsToPods(manifests: Manifest[]): Manifest[] {
  return manifests.flatMap((m) => (m.kind === 'Job' ? (podsOfJob(m as unknown as IJob) as unknown as Manifest[]) : [m]));
}

export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

export function stringifyManifests(manifests: Manifest[]): string {
  return manifests.map((m) => stringify(m, { lineWidth: 0 })).join('---\n');
}

// As a command: manifests on stdin, the same with Jobs as Pods on stdout.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(stringifyManifests(jobsToPods(parseManifests(readFileSync(0, 'utf8')))));
}
