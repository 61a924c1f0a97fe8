/**
 * A publish or downlink stage on one worker: messages at their planned times (schedule.ts), each
 * timed from its planned send (corrected for coordinated omission) and from its actual send, then
 * a bounded wait for the acks still outstanding, which are counted lost when it runs out.
 *
 * The hot path is batched per worker: one sleep per tick sends every message then due
 * (runSeries), each message is a row of one table (in-flight.ts) whose ticket the session reports
 * back to this object (PublishOutcomes), and the histograms are held, not looked up by name. So a
 * message costs no promise, no closure and no object of the publisher's own.
 */
import type { Histogram } from '../../metrics/histogram.js';
import { recordUs } from '../../metrics/histogram.js';
import type { Recorder } from '../../metrics/recorder.js';
import { compilePayload, type CompiledPayload, type PayloadValues } from '../../scenario/payload.js';
import type { PublishPropertiesPlan, StagePlan } from '../../scenario/run-plan.js';
import { messageProperties } from '../engines/message-properties.js';
import { itemAt } from '../../util/item-at.js';
import { renderTemplate, templateNames } from '../../util/template.js';
import { InFlightTable } from '../in-flight.js';
import { publishSeries, runSeries } from '../schedule.js';
import type { PublishExtras, PublishOutcomes } from '../engines/session-api.js';
import type { WorkerContext } from '../worker-context.js';
import { METRIC, errorCounter, refusalCounter, type WorkerErrorReason } from '../../metrics/metric-names.js';

export type PlannedPublish = Pick<Extract<StagePlan, { type: 'publish' | 'downlink' }>, 'ratePerDevicePerSec' | 'countPerDevice' | 'qos' | 'retain'> & {
  /** MQTT 5 properties of a publish stage; absent or null: a bare PUBLISH. */
  properties?: PublishPropertiesPlan | null;
};

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

/** A group's recorder and the histograms a message records into, held so no message looks them up. */
interface GroupMetrics {
  recorder: Recorder;
  sendLag: Histogram;
  ack: Histogram;
  ackUncorrected: Histogram;
}

/** One sending device of a stage, looked up once for the stage. */
interface Sender {
  index: number;
  groupIndex: number;
  deviceId: string;
  groupName: string;
  topicTemplate: string;
  /** The topic, when its template does not change with {seq}. */
  topic: string | undefined;
  payload: CompiledPayload;
}

export class Publisher implements PublishOutcomes {
  readonly #ctx: WorkerContext;
  readonly #payloads: CompiledPayload[];
  readonly #table = new InFlightTable();
  readonly #groups: (GroupMetrics | undefined)[] = [];
  /** One object for every uplink payload rendered: the compiled payload reads it and keeps nothing. */
  readonly #values: PayloadValues = { deviceId: '', group: '', seq: 0, timestampMs: 0, random: Math.random };
  /** Wakes the drain when the last awaited message has its outcome. */
  #onEmpty: (() => void) | undefined;

  constructor(ctx: WorkerContext) {
    this.#ctx = ctx;
    this.#payloads = ctx.plan.groups.map((g) => compilePayload(g.payload));
  }

  /** Messages sent and not yet acknowledged (or written, at QoS 0). */
  get inFlight(): number {
    return this.#table.size;
  }

  /** Runs the stage's schedule from `startAtMs`, then drains; `message` replaces the devices' own uplinks. */
  async publish(stage: PlannedPublish, routes: PublishRoutes, startAtMs: number, message?: MessageOf): Promise<void> {
    const senders = routes.senders.map((index) => this.#sender(index));
    const devices = senders.length;
    const intervalMs = 1000 / stage.ratePerDevicePerSec;
    await runSeries(
      publishSeries(startAtMs, stage.ratePerDevicePerSec, stage.countPerDevice, routes.positions, routes.total),
      this.#ctx.clock,
      (k, plannedMs, nowMs) => {
        const route = k % devices;
        this.#send(stage, itemAt(senders, route), route, (k - route) / devices, plannedMs, nowMs, intervalMs, message);
      },
      () => this.#ctx.stopping(),
      this.#ctx.pace,
    );
    await this.#drain();
  }

  /** The session reports: acknowledged (QoS 1/2) or written (QoS 0); `noSubscribers`: with 0x10, counted apart too. */
  published(ticket: number, noSubscribers = false): void {
    const table = this.#table;
    if (!table.taken(ticket)) return;
    const metrics = this.#metrics(table.group(ticket));
    if (table.qos(ticket) > 0) {
      // Already counted as an ack-timeout: a late ack is counted apart, never as a second outcome.
      if (table.timedOut(ticket)) metrics.recorder.count(METRIC.ackedLate);
      else {
        const ackMs = this.#ctx.clock.nowMs();
        const plannedMs = table.plannedMs(ticket);
        const sentMs = table.sentMs(ticket);
        // Latency from the planned send time (corrected for coordinated omission) and, beside it,
        // from the actual send, as wrk2 keeps both. A send up to 1 ms early (timer granularity) is
        // measured from the send itself, so the corrected figure is never the smaller one.
        recordUs(metrics.ack, (ackMs - Math.min(plannedMs, sentMs)) * 1000);
        recordUs(metrics.ackUncorrected, (ackMs - sentMs) * 1000);
        metrics.recorder.count(METRIC.acked);
        if (noSubscribers) metrics.recorder.count(METRIC.ackedNoSubscribers);
      }
    }
    this.#close(ticket);
  }

  /** The session reports: not sent, or lost before its ack. */
  failed(ticket: number, error: unknown): void {
    const table = this.#table;
    if (!table.taken(ticket)) return;
    // Already counted as an ack-timeout: a later failure is not a second outcome.
    if (!table.timedOut(ticket)) this.#metrics(table.group(ticket)).recorder.count(errorCounter(publishErrorKind(error)));
    this.#close(ticket);
  }

  /**
   * The session reports: refused by the broker's reason code or, unsent, by its limits. Never
   * acked: counted as `errors.<reason>` and in `refused`, apart from messages lost or timed out.
   */
  refused(ticket: number, reason: string, reasonString?: string): void {
    const table = this.#table;
    if (!table.taken(ticket)) return;
    if (!table.timedOut(ticket)) {
      const { recorder } = this.#metrics(table.group(ticket));
      recorder.count(refusalCounter(reason));
      recorder.count(METRIC.refused);
      if (reasonString !== undefined) this.#ctx.notes?.reasonString(refusalCounter(reason), reasonString);
    }
    this.#close(ticket);
  }

  /** The session reports: the message waits for a place in the broker's Receive Maximum window. */
  heldBack(ticket: number): void {
    const table = this.#table;
    if (!table.taken(ticket)) return;
    this.#metrics(table.group(ticket)).recorder.count(METRIC.heldByReceiveMaximum);
  }

  /** The session reports: sent at the broker's Maximum QoS, below the stage's. */
  downgraded(ticket: number, qos: 0 | 1): void {
    const table = this.#table;
    if (!table.taken(ticket)) return;
    table.setQos(ticket, qos);
    this.#metrics(table.group(ticket)).recorder.count(METRIC.qosDowngraded);
  }

  #send(
    stage: PlannedPublish,
    sender: Sender,
    route: number,
    seq: number,
    plannedMs: number,
    sentMs: number,
    intervalMs: number,
    message: MessageOf | undefined,
  ): void {
    const metrics = this.#metrics(sender.groupIndex);
    const session = this.#ctx.fleet.sessions.get(sender.index);
    if (session === undefined || !session.usable) {
      metrics.recorder.count(errorCounter('not-connected'));
      return;
    }
    const lagMs = sentMs - plannedMs;
    recordUs(metrics.sendLag, lagMs > 0 ? lagMs * 1000 : 0);
    if (lagMs > intervalMs) metrics.recorder.count(METRIC.missedSlots);
    let topic: string;
    let payload: string;
    if (message === undefined) {
      topic = sender.topic ?? renderTemplate(sender.topicTemplate, { deviceId: sender.deviceId, group: sender.groupName, seq });
      const values = this.#values;
      values.deviceId = sender.deviceId;
      values.group = sender.groupName;
      values.seq = seq;
      // On the run's reference clock, so a subscriber in another shard times it on the same clock.
      values.timestampMs = sentMs + (this.#ctx.clockCorrection?.offsetMs ?? 0);
      payload = sender.payload(values);
    } else {
      ({ topic, payload } = message(route, seq, sentMs));
    }
    const ticket = this.#table.open(sender.groupIndex, stage.qos, plannedMs, sentMs);
    metrics.recorder.count(METRIC.published);
    const properties = stage.properties;
    // MQTT 5 properties are rendered per message, as topics are ({seq}); validation keeps them off 3.1.1.
    const extras: PublishExtras | undefined =
      properties === undefined || properties === null
        ? undefined
        : { properties: messageProperties(properties, { deviceId: sender.deviceId, group: sender.groupName, seq }), topicAlias: properties.topicAlias };
    session.publish(topic, payload, stage.qos, stage.retain, ticket, this, extras);
  }

  #close(ticket: number): void {
    this.#table.close(ticket);
    if (this.#table.pending === 0) this.#onEmpty?.();
  }

  /** Waits for outstanding acks, at most one connect timeout; what is left is counted lost. */
  async #drain(): Promise<void> {
    const { clock, fleet, plan } = this.#ctx;
    const deadline = clock.nowMs() + plan.mqtt.connectTimeoutMs;
    const empty = new Promise<void>((resolve) => (this.#onEmpty = resolve));
    while (this.#table.pending > 0 && clock.nowMs() < deadline) {
      await Promise.race([empty, clock.sleepMs(DRAIN_POLL_MS)]);
    }
    this.#onEmpty = undefined;
    this.#table.timeOutPending((groupIndex) => fleet.recorder(groupIndex).count(errorCounter('ack-timeout')));
  }

  #sender(index: number): Sender {
    const device = this.#ctx.fleet.device(index);
    const { group } = device;
    const deviceId = device.assignment.deviceId;
    const perMessage = templateNames(group.topicTemplate).includes('seq');
    return {
      index,
      groupIndex: device.assignment.groupIndex,
      deviceId,
      groupName: group.name,
      topicTemplate: group.topicTemplate,
      topic: perMessage ? undefined : renderTemplate(group.topicTemplate, { deviceId, group: group.name, seq: 0 }),
      payload: itemAt(this.#payloads, device.assignment.groupIndex),
    };
  }

  /** A group's metrics, made when its first message goes (so a group that never publishes has no such histograms). */
  #metrics(groupIndex: number): GroupMetrics {
    let metrics = this.#groups[groupIndex];
    if (metrics === undefined) {
      const recorder = this.#ctx.fleet.recorder(groupIndex);
      metrics = {
        recorder,
        sendLag: recorder.histogram(METRIC.sendLagUs),
        ack: recorder.histogram(METRIC.publishAckUs),
        ackUncorrected: recorder.histogram(METRIC.publishAckUncorrectedUs),
      };
      this.#groups[groupIndex] = metrics;
    }
    return metrics;
  }
}

/** 'Connection closed' is MQTT.js failing a message still unacknowledged when its connection went. */
export function publishErrorKind(error: unknown): Extract<WorkerErrorReason, 'not-connected' | 'lost-in-flight' | 'publish-failed'> {
  const message = error instanceof Error ? error.message : '';
  if (message === 'not-connected') return 'not-connected';
  return message === 'Connection closed' ? 'lost-in-flight' : 'publish-failed';
}
