import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { parseScenario } from '../../src/scenario/load.js';
import { repoPath } from '../helpers.js';

/** The parts of the manifests these tests read; toJS() gives plain data, checked by the assertions below. */
interface Container {
  env: { name: string; value: string }[];
  args: string[];
  volumeMounts: { mountPath: string }[];
}
interface Manifest {
  kind: string;
  spec: { completionMode: string; completions: number; parallelism: number; template: { spec: { containers: Container[] } } };
  data: Record<string, string>;
}

function manifests(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(repoPath(`deploy/kubernetes/${file}`), 'utf8')).map((d) => d.toJS() as Manifest);
}

describe('deploy/kubernetes', () => {
  const [job] = manifests('job.yaml');
  const container = job!.spec.template.spec.containers[0]!;
  const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));

  it('is an Indexed Job whose completions, parallelism and MQTT_JWT_BENCH_SHARDS agree', () => {
    assert.equal(job!.kind, 'Job');
    assert.equal(job!.spec.completionMode, 'Indexed');
    assert.equal(job!.spec.completions, job!.spec.parallelism);
    assert.equal(Number(env['MQTT_JWT_BENCH_SHARDS']), job!.spec.completions);
    for (const flag of ['--start-at', '--json-line', '--report-dir']) assert.ok(container.args.includes(flag), flag);
  });

  it('carries a scenario that validates, with the broker from the environment', () => {
    const [configMap] = manifests('configmap.yaml');
    const { plan } = parseScenario(configMap!.data['scenario.yaml']!, 'configmap.yaml', { env: { BROKER_URL: env['BROKER_URL'] } });
    assert.deepEqual(plan.broker, { kind: 'url', url: env['BROKER_URL'], urls: [env['BROKER_URL']] });
    const mounts = container.volumeMounts.map((m) => m.mountPath);
    assert.ok(plan.groups.every((g) => g.keys.mode !== 'per-device' || mounts.some((m) => g.keys.mode === 'per-device' && g.keys.storePath.startsWith(m))));
  });

  it('merges what the shards write', () => {
    const [merge] = manifests('merge-job.yaml');
    const args = merge!.spec.template.spec.containers[0]!.args.join(' ');
    assert.match(args, /merge \/reports\/\*-shard-\*-of-\*\.json -o /);
    assert.ok(container.args.includes('/reports'));
  });
});
