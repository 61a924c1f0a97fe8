/**
 * A publish or downlink stage on one worker: messages at their planned times (schedule.ts), each
 * timed from its planned send (corrected for coordinated omission) and from its actual send, then
 * a bounded wait for the acks still outstanding, which are counted lost when it runs out.
 */
import { compilePayload, type CompiledPayload } from '../scenario/payload.js';
import type { StagePlan } from '../scenario/plan.js';
import { itemAt } from '../util/item-at.js';
import { renderTemplate } from '../util/template.js';
import { publishTimes, runPlanned } from './schedule.js';
import type { WorkerContext } from './worker-context.js';
import { METRIC, errorCounter, type WorkerErrorReason } from '../metrics/metric-names.js';

export type PlannedPublish = Pick<Extract<StagePlan, { type: 'publish' | 'downlink' }>, 'ratePerDevicePerSec' | 'countPerDevice' | 'qos' | 'retain'>;

export interface OutgoingMessage {
  topic: string;
  payload: string;
}

/** A message other than the device's own uplink (a backend's downlink to another device). */
export type MessageOf = (route: number, seq: number, sentMs: number) => OutgoingMessage;

/** Who sends in a stage: local device indices, their places in the stage's global order, and that order's length. */
export interface PublishRoutes {
  senders: readonly number[];
  positions: readonly number[];
  total: number;
}

/** How long the drain sleeps between looks at what is still outstanding. */
const DRAIN_POLL_MS = 100;

/** One QoS 1/2 publish awaiting its ack; `timedOut` once the stage's drain gave up on it. */
interface PendingPublish {
  groupIndex: number;
  timedOut: boolean;
}

/** A stage's publishes still awaiting their outcome, and who to wake when none are left. */
interface PendingSet {
  entries: Set<PendingPublish>;
  onEmpty: (() => void) | undefined;
}

export class Publisher {
  readonly #ctx: WorkerContext;
  readonly #payloads: CompiledPayload[];
  #inFlight = 0;

  constructor(ctx: WorkerContext) {
    this.#ctx = ctx;
    this.#payloads = ctx.plan.groups.map((g) => compilePayload(g.payload));
  }

  /** Messages sent and not yet acknowledged (or written, at QoS 0). */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Runs the stage's schedule from `startAtMs`, then drains; `message` replaces the devices' own uplinks. */
  async publish(stage: PlannedPublish, routes: PublishRoutes, startAtMs: number, message?: MessageOf): Promise<void> {
    const { fleet, clock } = this.#ctx;
    // Entries leave the set as their publish settles (#publishOne's finally): no promise per
    // message beyond the publish itself, and the drain wakes when the set runs empty.
    const pending: PendingSet = { entries: new Set(), onEmpty: undefined };
    const intervalMs = 1000 / stage.ratePerDevicePerSec;
    await runPlanned(
      publishTimes(startAtMs, stage.ratePerDevicePerSec, stage.countPerDevice, routes.positions, routes.total),
      clock,
      (event) => {
        const route = event.device;
        const index = itemAt(routes.senders, route);
        const entry: PendingPublish = { groupIndex: fleet.device(index).assignment.groupIndex, timedOut: false };
        pending.entries.add(entry);
        void this.#publishOne(stage, index, event.seq, event.atMs, intervalMs, entry, message && ((sentMs) => message(route, event.seq, sentMs))).finally(
          () => {
            pending.entries.delete(entry);
            if (pending.entries.size === 0) pending.onEmpty?.();
          },
        );
      },
      () => this.#ctx.stopping(),
      this.#ctx.pace,
    );
    await this.#drain(pending);
  }

  async #publishOne(
    stage: PlannedPublish,
    index: number,
    seq: number,
    plannedMs: number,
    intervalMs: number,
    entry: PendingPublish,
    message?: (sentMs: number) => OutgoingMessage,
  ): Promise<void> {
    const { fleet, clock } = this.#ctx;
    const device = fleet.device(index);
    const { recorder } = device;
    const session = fleet.sessions.get(index);
    if (session === undefined || !session.usable) {
      recorder.count(errorCounter('not-connected'));
      return;
    }
    const deviceId = device.assignment.deviceId;
    const sentMs = clock.nowMs();
    const lagMs = sentMs - plannedMs;
    recorder.record(METRIC.sendLagUs, Math.max(0, lagMs) * 1000);
    if (lagMs > intervalMs) recorder.count(METRIC.missedSlots);
    const { topic, payload } = message?.(sentMs) ?? {
      topic: renderTemplate(device.group.topicTemplate, { deviceId, group: device.group.name, seq }),
      payload: itemAt(this.#payloads, device.assignment.groupIndex)({ deviceId, group: device.group.name, seq, timestampMs: sentMs, random: Math.random }),
    };
    recorder.count(METRIC.published);
    this.#inFlight++;
    try {
      await session.publish(topic, payload, stage.qos, stage.retain);
    } catch (error) {
      // Already counted as an ack-timeout: a later failure is not a second outcome.
      if (!entry.timedOut) recorder.count(errorCounter(publishErrorKind(error)));
      return;
    } finally {
      this.#inFlight--;
    }
    if (stage.qos === 0) return;
    // Already counted as an ack-timeout: a late ack is counted apart, never as a second outcome.
    if (entry.timedOut) return recorder.count(METRIC.ackedLate);
    const ackMs = clock.nowMs();
    // Latency from the planned send time (corrected for coordinated omission) and, beside it,
    // from the actual send, as wrk2 keeps both. A send up to 1 ms early (timer granularity) is
    // measured from the send itself, so the corrected figure is never the smaller one.
    recorder.record(METRIC.publishAckUs, (ackMs - Math.min(plannedMs, sentMs)) * 1000);
    recorder.record(METRIC.publishAckUncorrectedUs, (ackMs - sentMs) * 1000);
    recorder.count(METRIC.acked);
  }

  /** Waits for outstanding acks, at most one connect timeout; what is left is counted lost. */
  async #drain(pending: PendingSet): Promise<void> {
    const { clock, fleet, plan } = this.#ctx;
    const deadline = clock.nowMs() + plan.mqtt.connectTimeoutMs;
    const empty = new Promise<void>((resolve) => (pending.onEmpty = resolve));
    while (pending.entries.size > 0 && clock.nowMs() < deadline) {
      await Promise.race([empty, clock.sleepMs(DRAIN_POLL_MS)]);
    }
    pending.onEmpty = undefined;
    for (const entry of pending.entries) {
      entry.timedOut = true;
      fleet.recorder(entry.groupIndex).count(errorCounter('ack-timeout'));
    }
  }
}

/** 'Connection closed' is MQTT.js failing a message still unacknowledged when its connection went. */
export function publishErrorKind(error: unknown): Extract<WorkerErrorReason, 'not-connected' | 'lost-in-flight' | 'publish-failed'> {
  const message = error instanceof Error ? error.message : '';
  if (message === 'not-connected') return 'not-connected';
  return message === 'Connection closed' ? 'lost-in-flight' : 'publish-failed';
}
