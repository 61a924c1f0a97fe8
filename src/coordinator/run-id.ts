/**
 * The run id: one per run, recorded in every shard's report, so `merge` can refuse shards of
 * different runs and shards of one run share a folder (`reports/<run-id>/`). Made once by the
 * coordinator or by `run --processes`; for a distributed run, passed to every shard (`--run-id`).
 */
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../errors.js';
import type { ShardSpec } from './shards.js';

/** Letters, digits, `.`, `_`, `-`: safe as a folder name and as a Kubernetes label value. */
const RUN_ID = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

export function checkRunId(text: string, where = '--run-id'): string {
  if (!RUN_ID.test(text))
    throw new ConfigError(`${where}: expected 1 to 63 letters, digits, ".", "_" or "-", starting and ending with a letter or digit (got "${text}")`);
  return text;
}

/** `20261202-040732-3fa9`: the UTC time and four random hex digits. */
export function newRunId(nowMs: number): string {
  return `${compactTime(nowMs)}-${randomBytes(2).toString('hex')}`;
}

/**
 * The id of this run: the one given; else, for a shard with a common `--start-at`, one derived from
 * that moment (every shard of the run computes the same); else a new one.
 */
export function runIdFor(options: { runId?: string; shard?: ShardSpec; startAtMs?: number }, nowMs: number): string {
  if (options.runId !== undefined) return checkRunId(options.runId);
  if (options.shard !== undefined && options.shard.count > 1 && options.startAtMs !== undefined) return `start-${compactTime(options.startAtMs)}`;
  return newRunId(nowMs);
}

function compactTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}
