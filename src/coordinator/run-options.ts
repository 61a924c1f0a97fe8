/**
 * What a caller can ask of one run beyond its plan. `RunOptions` is the library's (src/index.ts
 * exports it); `PlanRunOptions` adds what only the harness itself passes: the scenario file, and
 * faults that the harness's own tests inject into workers to prove it notices them. No
 * environment variable, flag or scenario field reaches `faults`: only code that imports this
 * module does (test/support/faulty-cli.ts, the e2e tests).
 */
import type { ShardSpec } from '../scenario/shard-spec.js';
import type { Threshold } from '../scenario/threshold.js';
import type { WorkerTask } from '../worker/messages.js';
import type { ProgressListener } from './progress.js';

export interface RunOptions {
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

export interface PlanRunOptions extends RunOptions {
  /** The scenario file, recorded in the report. */
  file: string;
  /** Faults for the workers (src/worker/faults.ts); set only by the harness's tests. */
  faults?: WorkerTask['faults'];
}
