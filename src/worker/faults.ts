/**
 * Faults injected into a worker on purpose, to prove that the harness notices them. Set by the
 * coordinator from MQTT_JWT_BENCH_FAULTS, comma-separated: `block-loop=200` (every second of a
 * stage, block this worker's event loop for 200 ms), `hang=60000` (worker 0 stops answering for
 * 60 s when the first stage starts), `crash` (worker 0 throws when the first stage starts),
 * `deaf-after=2000` (worker 0's first subscribing device stops taking in messages 2 s after its
 * subscription was granted, as if the broker had dropped it: the lost-subscription check must see it).
 * Never set in a real run.
 */
export interface WorkerFaults {
  /** Busy-wait this many ms once a second while a stage runs. */
  blockLoopMs?: number;
  hangMs?: number;
  crash?: boolean;
  deafAfterMs?: number;
}

export function parseFaults(text: string | undefined): WorkerFaults {
  const faults: WorkerFaults = {};
  for (const part of (text ?? '').split(',').filter(Boolean)) {
    const [name, value] = part.split('=');
    if (name === 'block-loop' && Number(value) > 0) faults.blockLoopMs = Number(value);
    if (name === 'hang' && Number(value) > 0) faults.hangMs = Math.min(Number(value), 600_000);
    if (name === 'crash') faults.crash = true;
    if (name === 'deaf-after' && Number(value) >= 0) faults.deafAfterMs = Math.min(Number(value), 600_000);
  }
  return faults;
}

/** The one-off faults of worker 0 at the first stage: a crash, or a loop that stops answering. */
export function firstStageFaults(faults: WorkerFaults | undefined, workerIndex: number, stageIndex: number): void {
  if (faults === undefined || workerIndex !== 0 || stageIndex !== 0) return;
  if (faults.crash === true) throw new Error('injected crash (MQTT_JWT_BENCH_FAULTS=crash)');
  if (faults.hangMs !== undefined) {
    const until = performance.now() + faults.hangMs;
    while (performance.now() < until) {
      // Deliberately unresponsive, for a bounded time: this is the fault.
    }
  }
}

/** Starts the faults for a stage; returns the function that stops them. */
export function startFaults(faults: WorkerFaults | undefined): () => void {
  const blockMs = faults?.blockLoopMs;
  if (blockMs === undefined) return () => {};
  const timer = setInterval(() => {
    const until = performance.now() + blockMs;
    while (performance.now() < until) {
      // Deliberately blocking: this is the fault.
    }
  }, 1000);
  return () => clearInterval(timer);
}
