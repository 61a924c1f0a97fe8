/**
 * What a run settles before any worker starts: every group's credentials (and the keystore
 * writers that save generated keys), how long key generation will take, and whether the plan fits
 * this machine at all (preflight).
 */
import { KeyError, ConfigError } from '../errors.js';
import { estimateKeygenMs } from '../identity/costs.js';
import { KeystoreWriter } from '../identity/keystore-writer.js';
import { deviceId } from '../scenario/plan.js';
import type { RunPlan } from '../scenario/run-plan.js';
import { resolveCredentials, type GroupCredentials } from './credentials.js';
import { readMachineFacts } from './machine-facts.js';
import { planFit } from './plan-fit.js';
import type { ShardSpec } from './shards.js';

export interface RunCredentials {
  /** Per group, in plan order. */
  groups: GroupCredentials[];
  /** Per group index, for the groups whose generated keys are saved (per-device keystores). */
  writers: Map<number, KeystoreWriter>;
  warnings: string[];
}

/**
 * Every group's keys for this shard. A strict broker refuses keys that RFC 7518 forbids, so with
 * the embedded broker a warning about one is an error, before anything starts.
 */
export async function prepareCredentials(plan: RunPlan, shard: ShardSpec, env: NodeJS.ProcessEnv = process.env): Promise<RunCredentials> {
  const groups = await Promise.all(plan.groups.map((g) => resolveCredentials(g, env, shard)));
  const warnings = groups.flatMap((c) => c.warnings);
  if (plan.broker.kind === 'embedded' && warnings.length > 0) throw new KeyError(`${warnings[0] ?? ''}; the embedded broker refuses such keys`);
  const writers = new Map<number, KeystoreWriter>();
  groups.forEach((c, g) => {
    if (c.keystore !== undefined) writers.set(g, new KeystoreWriter(c.keystore.path, c.keystore.store));
  });
  return { groups, writers, warnings };
}

/** A warning when generating the missing per-device keys will take 10 s or more; else undefined. */
export function keygenEstimate(plan: RunPlan, credentials: readonly GroupCredentials[]): string | undefined {
  let ms = 0;
  let count = 0;
  plan.groups.forEach((group, g) => {
    if (group.keys.mode !== 'per-device') return;
    let missing = 0;
    for (let i = 0; i < group.count; i++) if (credentials[g]?.keyFor(i, deviceId(group, i)) === undefined) missing++;
    ms += estimateKeygenMs(group.alg, group.rsaBits, missing, plan.workers);
    count += missing;
  });
  const seconds = ms / 1000;
  if (seconds < 10) return undefined;
  return (
    `generating ${count} per-device keys takes about ${Math.ceil(seconds / 60)} min on ${plan.workers} workers; ` +
    'they are saved as they come, so an interrupted run resumes (a pool: key mode avoids it)'
  );
}

/** Stops a plan that cannot fit this machine before the first connection, with the numbers. */
export async function checkPreflight(plan: RunPlan, shard: ShardSpec): Promise<void> {
  const outcome = planFit(plan, { shard }, await readMachineFacts());
  if (outcome.problems.length > 0) {
    throw new ConfigError(`preflight: ${outcome.problems.join('\npreflight: ')}`, { hint: 'docs/scaling.md explains the limits and how to size a run.' });
  }
}
