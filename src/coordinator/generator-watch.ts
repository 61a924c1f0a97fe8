/**
 * The generator watching itself, across the run: each worker's event-loop utilization during
 * stages, and the process's CPU time and resident memory, so the report can say what a held
 * connection cost the harness and whether the harness, not the broker, was the bottleneck.
 */
import type { GeneratorProcess, GeneratorWorker } from '../report/model/run-result.js';
import type { WorkerSnapshot } from '../worker/messages.js';

interface WorkerLoop {
  activeMs: number;
  idleMs: number;
  peak: number;
}

export class GeneratorWatch {
  readonly #workers = new Map<number, WorkerLoop>();
  readonly #devices: number[];
  readonly #cpuStart = process.cpuUsage();
  #baselineRss = process.memoryUsage().rss;
  #peakRss = 0;
  #peakConnected = 0;
  #rssAtPeakConnected = 0;

  get devices(): number {
    return this.#devices.reduce((a, b) => a + b, 0);
  }

  constructor(devicesPerWorker: number[]) {
    this.#devices = devicesPerWorker;
  }

  /** Loop figures count only while a stage runs: preparing keys is meant to be busy. */
  add(snapshot: WorkerSnapshot): void {
    if (snapshot.stageIndex < 0) return;
    const loop = this.#workers.get(snapshot.workerIndex) ?? { activeMs: 0, idleMs: 0, peak: 0 };
    loop.activeMs += snapshot.loop.activeMs;
    loop.idleMs += snapshot.loop.idleMs;
    const elapsed = snapshot.loop.activeMs + snapshot.loop.idleMs;
    // Only whole-ish intervals: a stage's last sliver says little.
    if (elapsed >= 500) loop.peak = Math.max(loop.peak, snapshot.loop.activeMs / elapsed);
    this.#workers.set(snapshot.workerIndex, loop);
  }

  /** Called once keys and tokens are ready, before any connection: what the devices cost. */
  markBaseline(): void {
    this.#baselineRss = process.memoryUsage().rss;
  }

  /** Called every second with the number of connections held. */
  sample(connected: number): void {
    // rss() alone: memoryUsage() also walks the V8 heap's statistics, every second.
    const rss = process.memoryUsage.rss();
    this.#peakRss = Math.max(this.#peakRss, rss);
    if (connected >= this.#peakConnected) {
      this.#peakConnected = connected;
      this.#rssAtPeakConnected = rss;
    }
  }

  workers(): GeneratorWorker[] {
    return this.#devices.map((devices, index) => {
      const loop = this.#workers.get(index);
      const elapsed = (loop?.activeMs ?? 0) + (loop?.idleMs ?? 0);
      return {
        index,
        devices,
        eventLoopUtilization: elapsed > 0 ? round((loop?.activeMs ?? 0) / elapsed) : 0,
        peakEventLoopUtilization: round(loop?.peak ?? 0),
      };
    });
  }

  process(): GeneratorProcess {
    const cpu = process.cpuUsage(this.#cpuStart);
    const perConnection = this.#peakConnected > 0 ? Math.round((this.#rssAtPeakConnected - this.#baselineRss) / this.#peakConnected) : null;
    return {
      cpuUserMs: Math.round(cpu.user / 1000),
      cpuSystemMs: Math.round(cpu.system / 1000),
      baselineRssBytes: this.#baselineRss,
      peakRssBytes: Math.max(this.#peakRss, this.#baselineRss),
      peakConnected: this.#peakConnected,
      rssPerConnectionBytes: perConnection,
    };
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
