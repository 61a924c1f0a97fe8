/**
 * The per-second timeline, built from interval snapshots as they arrive. A second stays open
 * for a short while so every worker's interval can land in it, then it is reduced to numbers.
 */
import { addBucketCounts, createHistogram, encodeHistogram, type Histogram } from '../metrics/histogram.js';
import { emptyTimelinePoint, type TimelinePoint } from '../report/model/run-result.js';
import { type WorkerSnapshot } from '../worker/messages.js';
import { METRIC, isErrorCounter, sessionErrorCounter } from '../metrics/metric-names.js';

const OPEN_SECONDS = 3;

interface OpenSecond {
  point: TimelinePoint;
  /** Made when the second's first publish latency lands: most seconds of most runs have none. */
  publishAck: Histogram | undefined;
  /** Each worker's [connected, in flight] at its last interval within the second. */
  gaugesByWorker: Map<number, [number, number]>;
}

export class TimelineBuilder {
  readonly #startMs: number;
  readonly #open = new Map<number, OpenSecond>();
  readonly #closed: TimelinePoint[] = [];
  /** Each worker's last known gauges, carried into seconds it did not report in. */
  readonly #gauges = new Map<number, [number, number]>();

  constructor(startMs: number) {
    this.#startMs = startMs;
  }

  add(snapshot: WorkerSnapshot): void {
    const second = Math.max(0, Math.floor((snapshot.atMs - this.#startMs) / 1000));
    const open = this.#second(second);
    open.gaugesByWorker.set(snapshot.workerIndex, [snapshot.connected, snapshot.inFlight]);
    for (const group of Object.values(snapshot.groups)) {
      const c = group.counters;
      open.point.connects += c[METRIC.connected] ?? 0;
      open.point.connectFailures += c[METRIC.connectFailed] ?? 0;
      open.point.published += c[METRIC.published] ?? 0;
      open.point.acked += c[METRIC.acked] ?? 0;
      for (const [name, value] of Object.entries(c)) if (isErrorCounter(name)) open.point.errors += value;
      addEvents(open.point, c);
      const acks = group.histograms[METRIC.publishAckUs];
      if (acks !== undefined) addBucketCounts((open.publishAck ??= createHistogram()), acks);
    }
    for (const old of [...this.#open.keys()]) if (old < second - OPEN_SECONDS) this.#close(old);
  }

  finish(): TimelinePoint[] {
    for (const second of [...this.#open.keys()].sort((a, b) => a - b)) this.#close(second);
    return [...this.#closed].sort((a, b) => a.second - b.second);
  }

  #second(second: number): OpenSecond {
    let open = this.#open.get(second);
    if (open === undefined) {
      open = {
        point: emptyTimelinePoint(second),
        publishAck: undefined,
        gaugesByWorker: new Map(),
      };
      this.#open.set(second, open);
    }
    return open;
  }

  #close(second: number): void {
    const open = this.#open.get(second);
    if (open === undefined) return;
    this.#open.delete(second);
    const { point, publishAck } = open;
    for (const [worker, gauges] of open.gaugesByWorker) this.#gauges.set(worker, gauges);
    for (const [connected, inFlight] of this.#gauges.values()) {
      point.connected += connected;
      point.inFlight += inFlight;
    }
    if (publishAck !== undefined && publishAck.totalCount > 0) {
      point.publishAckP50Us = publishAck.getValueAtPercentile(50);
      point.publishAckP99Us = publishAck.getValueAtPercentile(99);
      point.publishAckEncoded = encodeHistogram(publishAck);
    }
    publishAck?.destroy();
    this.#closed.push(point);
  }
}

/** The events the HTML timeline marks: lost connections (and storm drops), reconnects, token refreshes. Absent when zero. */
function addEvents(point: TimelinePoint, c: Readonly<Record<string, number>>): void {
  const add = (field: 'lost' | 'reconnects' | 'refreshes', n: number): void => {
    if (n > 0) point[field] = (point[field] ?? 0) + n;
  };
  add('lost', (c[sessionErrorCounter('connection-lost')] ?? 0) + (c[METRIC.dropped] ?? 0));
  add('reconnects', c[METRIC.reconnects] ?? 0);
  add('refreshes', (c[METRIC.refreshes] ?? 0) + (c[METRIC.reauths] ?? 0));
}
