/**
 * test/deploy/podman/jobs-to-pods.ts, the test tooling that turns deploy/kubernetes's Jobs (as
 * render.sh renders them) into the Pods a Job controller would make, for `podman kube play`. No
 * engine needed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IJob } from 'kubernetes-models/batch/v1';
import { Pod, type IPod } from 'kubernetes-models/v1';
import { COMPLETION_INDEX_ANNOTATION, jobsToPods, podsOfJob, type Manifest } from './podman/jobs-to-pods.js';
import { render, type SmallRun } from './podman/manifests.js';

const RUN: SmallRun = {
  runId: 'r1',
  image: 'registry.example.com/mqtt-jwt-bench:0.1.0',
  startAt: '2026-12-02T12:03:00Z',
  suffix: '',
  devices: 100,
  shards: 4,
  brokerUrl: 'mqtt://broker:1883',
  publishFor: '10s',
};
const rendered = (file: string): Manifest[] => render(file, RUN);
const envOf = (pod: IPod): Record<string, string | undefined> => Object.fromEntries((pod.spec?.containers[0]?.env ?? []).map((e) => [e.name, e.value]));

describe('jobs-to-pods (test tooling for podman kube play)', () => {
  it("makes an Indexed Job's completions into pods, each with its JOB_COMPLETION_INDEX, valid against the Pod schema", () => {
    const job = rendered('job.yaml')[0] as unknown as IJob;
    const pods = podsOfJob(job);
    assert.equal(pods.length, job.spec?.completions);
    pods.forEach((pod, i) => {
      new Pod(pod).validate();
      assert.equal(pod.metadata?.name, `${job.metadata?.name}-${i}`);
      assert.equal(pod.metadata?.labels?.['job-name'], job.metadata?.name);
      assert.equal(pod.metadata?.labels?.['mqtt-jwt-bench/run-id'], 'r1');
      assert.equal(pod.metadata?.annotations?.[COMPLETION_INDEX_ANNOTATION], String(i));
      assert.equal(envOf(pod)['JOB_COMPLETION_INDEX'], String(i));
      assert.equal(envOf(pod)['MQTT_JWT_BENCH_SHARDS'], String(pods.length));
      // The template as it is: what the pod runs, mounts and is allowed.
      assert.deepEqual(pod.spec?.containers[0]?.args, job.spec?.template.spec?.containers[0]?.args);
      assert.deepEqual(pod.spec?.volumes, job.spec?.template.spec?.volumes);
      assert.equal(pod.spec?.terminationGracePeriodSeconds, job.spec?.template.spec?.terminationGracePeriodSeconds);
    });
  });

  it('makes a Job without a completion mode into one pod, with no index; other kinds pass through', () => {
    const manifests = jobsToPods([...rendered('volumes.yaml'), ...rendered('keygen-job.yaml')]);
    assert.deepEqual(
      manifests.map((m) => m.kind),
      ['PersistentVolumeClaim', 'PersistentVolumeClaim', 'Pod'],
    );
    const pod = manifests[2] as unknown as IPod;
    new Pod(pod).validate();
    assert.equal(pod.metadata?.name, 'mqtt-jwt-bench-keygen-r1-0');
    assert.equal(envOf(pod)['JOB_COMPLETION_INDEX'], undefined);
    assert.equal(pod.metadata?.annotations, undefined);
  });

  it('refuses an Indexed Job that Kubernetes would run in waves (parallelism < completions): here every pod starts at once', () => {
    const job = structuredClone(rendered('job.yaml')[0]) as unknown as IJob;
    job.spec!.parallelism = 2;
    assert.throws(() => podsOfJob(job), /parallelism 2 < completions 4/);
  });
});
