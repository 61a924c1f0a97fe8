/**
 * `--shard i/N` and `--start-at`, or, in a Kubernetes Indexed Job, JOB_COMPLETION_INDEX with
 * MQTT_JWT_BENCH_SHARDS, so the Job needs no wrapper script.
 */
import { parseShard, type ShardSpec } from '../coordinator/shards.js';
import { ConfigError } from '../errors.js';
import { DURATION_EXAMPLE, parseDurationMs } from '../scenario/units.js';

export function shardFrom(flag: string | undefined, env: NodeJS.ProcessEnv): ShardSpec | undefined {
  if (flag !== undefined) {
    const shard = parseShard(flag);
    if (shard === undefined) throw new ConfigError(`--shard: expected i/N with 0 ≤ i < N, e.g. 0/3 (got "${flag}")`);
    return shard;
  }
  const index = env['JOB_COMPLETION_INDEX'];
  const count = env['MQTT_JWT_BENCH_SHARDS'];
  if (index === undefined && count === undefined) return undefined;
  if (index === undefined || count === undefined) {
    throw new ConfigError(
      `${index === undefined ? 'JOB_COMPLETION_INDEX' : 'MQTT_JWT_BENCH_SHARDS'} is not set, but ${index === undefined ? 'MQTT_JWT_BENCH_SHARDS' : 'JOB_COMPLETION_INDEX'} is: a sharded run needs both`,
    );
  }
  const shard = parseShard(`${index}/${count}`);
  if (shard === undefined) throw new ConfigError(`JOB_COMPLETION_INDEX=${index}, MQTT_JWT_BENCH_SHARDS=${count}: expected 0 ≤ index < shards`);
  return shard;
}

/** `--max-late 10s`: only with --start-at; as ms. */
export function maxLateFrom(flag: string | undefined, startAtMs: number | undefined): number | undefined {
  if (flag === undefined) return undefined;
  if (startAtMs === undefined) throw new ConfigError('--max-late: only with --start-at (it is measured from that moment)');
  const ms = parseDurationMs(flag);
  if (ms === undefined) throw new ConfigError(`--max-late: expected ${DURATION_EXAMPLE} (got "${flag}")`);
  return ms;
}

/** `--start-at 2026-11-28T10:00:00Z` or `--start-at +30s` (from now), as epoch ms. */
export function startAtFrom(flag: string | undefined, nowMs: number): number | undefined {
  if (flag === undefined) return undefined;
  if (flag.startsWith('+')) {
    const ms = parseDurationMs(flag.slice(1));
    if (ms === undefined) throw new ConfigError(`--start-at: expected an ISO time or +${DURATION_EXAMPLE.replace('a duration like ', '')} (got "${flag}")`);
    return nowMs + ms;
  }
  const ms = Date.parse(flag);
  if (!Number.isFinite(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(flag))
    throw new ConfigError(`--start-at: expected an ISO time like 2026-11-28T10:00:00Z or +30s (got "${flag}")`);
  return ms;
}
