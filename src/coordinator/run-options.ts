/** What a caller can ask of one run beyond its plan: signals, progress, extra thresholds, a shard and its start. */
import type { Threshold } from '../scenario/threshold.js';
import type { ProgressListener } from './progress.js';
import type { ShardSpec } from './shards.js';

export interface RunOptions {
  /** The scenario file, recorded in the report. */
  file: string;
  /** Aborting stops the run gracefully; the result is marked `interrupted`. */
  signal?: AbortSignal;
  /** Aborting after `signal` stops waiting for the workers: the report holds what arrived. */
  force?: AbortSignal;
  onProgress?: ProgressListener;
  /** Thresholds beyond the scenario's own (`--threshold`). */
  thresholds?: Threshold[];
  /** Run only slice `index` of `count` (a shard of a distributed run). */
  shard?: ShardSpec;
  /** Epoch ms at which the first stage begins (every shard the same moment); default: when ready. */
  startAtMs?: number;
  /** The run's id, the same in every shard (src/coordinator/run-id.ts); default: made here. */
  runId?: string;
  /** A shard ready later than `startAtMs` + this does not run (src/coordinator/late-start.ts). */
  maxLateMs?: number;
}
