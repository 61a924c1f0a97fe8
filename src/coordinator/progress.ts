/** Progress events the coordinator emits; the CLI decides how to show them (stderr). */
export type ProgressEvent =
  | { type: 'phase'; message: string }
  | { type: 'warning'; message: string }
  | { type: 'keys'; generated: number; total: number; elapsedMs: number }
  | { type: 'stage'; index: number; stageType: string; count: number }
  | { type: 'tick'; elapsedMs: number; connected: number; published: number; acked: number; errors: number };

export type ProgressListener = (event: ProgressEvent) => void;
