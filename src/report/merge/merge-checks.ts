/**
 * What `merge` refuses (exit 2, naming the files): reports of different runs, of different
 * plans, of different shard counts, a shard or a file given twice, a report that is itself a
 * merge. Shards of one run carry the same run id (src/coordinator/run-id.ts) and the same plan.
 */
import { ConfigError } from '../../errors.js';
import type { RunResult } from '../model/run-result.js';

export interface NamedResult {
  file: string;
  result: RunResult;
}

export function checkOneRun(inputs: readonly NamedResult[]): void {
  const first = inputs[0];
  if (first === undefined) return;
  const seen = new Set<string>();
  for (const input of inputs) {
    if (seen.has(input.file)) throw new ConfigError(`merge: ${input.file} is given twice`);
    seen.add(input.file);
    if (input.result.shards !== undefined) throw new ConfigError(`merge: ${input.file} is itself a merged report; merge the shard reports it came from`);
  }
  for (const input of inputs.slice(1)) {
    const a = first.result.runId;
    const b = input.result.runId;
    if (a !== b) {
      throw new ConfigError(
        `merge: ${input.file} is ${b === undefined ? 'of no run id' : `of run ${b}`}, but ${first.file} ${a === undefined ? 'has no run id' : `is of run ${a}`}; only the shards of one run merge`,
        {
          hint: 'Give every shard of a run the same --run-id, and merge one run folder (reports/<run-id>/).',
        },
      );
    }
    const difference = planDifference(first.result.scenario.plan, input.result.scenario.plan);
    if (difference !== undefined)
      throw new ConfigError(`merge: ${input.file} ran a different plan from ${first.file} (${difference}); only shards of one plan merge`);
    const countA = first.result.shard?.count;
    const countB = input.result.shard?.count;
    if (countA !== countB)
      throw new ConfigError(
        `merge: ${input.file} is ${countB === undefined ? 'not a shard' : `a shard of ${countB}`}, but ${first.file} ${countA === undefined ? 'is not a shard' : `is a shard of ${countA}`}`,
      );
  }
}

/**
 * The first place two plans differ, as `path: a vs b`; undefined when they agree. `workers`
 * is left out: machines of one run may have different cores, and the work is the same.
 */
export function planDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (path === '.workers') return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return Object.is(a, b) ? undefined : `${path.replace(/^\./, '') || 'plan'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${path.replace(/^\./, '')}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const key of keys) {
    const sub = Array.isArray(a) ? `${path}[${key}]` : `${path}.${key}`;
    const difference = planDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], sub);
    if (difference !== undefined) return difference;
  }
  return undefined;
}
