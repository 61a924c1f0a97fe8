/**
 * Faults injected into a worker on purpose, to prove that the harness notices them. Set by the
 * coordinator from MQTT_JWT_BENCH_FAULTS (e.g. `block-loop=200`: every second of a stage, block
 * this worker's event loop for 200 ms). Never set in a real run.
 */
export interface WorkerFaults {
  /** Busy-wait this many ms once a second while a stage runs. */
  blockLoopMs?: number;
}

export function parseFaults(text: string | undefined): WorkerFaults {
  const faults: WorkerFaults = {};
  for (const part of (text ?? '').split(',').filter(Boolean)) {
    const [name, value] = part.split('=');
    if (name === 'block-loop' && Number(value) > 0) faults.blockLoopMs = Number(value);
  }
  return faults;
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
