/** Progress events the coordinator emits; the CLI decides how to show them (stderr). */
export type ProgressEvent =
  | { type: 'phase'; message: string }
  | { type: 'warning'; message: string }
  | { type: 'keys'; generated: number; total: number; elapsedMs: number }
  | { type: 'stage'; index: number; stageType: string; count: number }
  | ({ type: 'tick' } & ProgressTick);

export type ProgressListener = (event: ProgressEvent) => void;

/** Once a second during a run: what a live view, a log line or a metrics endpoint shows. */
export interface ProgressTick {
  elapsedMs: number;
  /** The stage running (0-based), or -1 while preparing. */
  stageIndex: number;
  stageType: string;
  stageCount: number;
  connected: number;
  /** Devices of the run (of this shard). */
  targetConnected: number;
  published: number;
  acked: number;
  /** Acks in the last second. */
  ackedPerSec: number;
  publishedPerSec: number;
  errors: number;
  errorsByReason: Record<string, number>;
  /** Publish → ack from plan, so far; null before the first ack. */
  publishAckP50Us: number | null;
  publishAckP99Us: number | null;
  /** Estimated time left, from the plan; null when unknown. */
  etaMs: number | null;
}
