/**
 * Clock offsets between the shards of a run, measured through the broker itself, the one thing
 * shards share. Worker 0 of shard 0 is the reference: it answers each request on
 * `<topic>/req` with its receive and send times on `<topic>/resp/<id>`. Every other worker is a
 * follower: it sends bursts of requests, timed on its own clock, and keeps the estimate of the
 * burst's lowest round trip (util/clock-offset.ts). A burst starts the run and one follows every
 * `intervalMs`, so a long run follows drift. Bounded: a burst is at most BURST requests, each
 * waiting at most REPLY_TIMEOUT_MS, and the probe ends with the worker.
 *
 * A sent message carries its send time on the reference's clock, and a received one is timed on
 * it too, so a latency between shards is measured on one clock whichever shards the publisher
 * and the subscriber are in. The probe is an MQTT.js client of its own (QoS 0), with the worker's
 * first device's token as password and a client id of its own.
 */
import type { MqttClient } from 'mqtt';
import { estimateOffset, type ClockEstimate, type ClockSample } from '../util/clock-offset.js';
import type { Clock } from '../util/clock.js';
import type { RunPlan } from '../scenario/run-plan.js';
import type { BrokerTarget, ClockProbeTask } from './messages.js';

const BURST = 8;
const REPLY_TIMEOUT_MS = 500;
const CONNECT_TIMEOUT_MS = 10_000;

/** What the worker keeps of its clock: the offset it applies and what it measured. */
export class ClockCorrection {
  /** Added to local times in payloads and on receipt; 0 for the reference and when not correcting. */
  offsetMs = 0;
  first: ClockEstimate | undefined;
  last: ClockEstimate | undefined;
  estimates = 0;
  problem: string | undefined;

  adopt(estimate: ClockEstimate, correct: boolean): void {
    this.first ??= estimate;
    this.last = estimate;
    this.estimates++;
    if (correct) this.offsetMs = estimate.offsetMs;
  }
}

interface Request {
  q: number;
  t1: number;
  r: string;
}

interface Reply {
  q: number;
  t1: number;
  t2: number;
  t3: number;
}

export class ClockProbe {
  readonly #task: ClockProbeTask;
  readonly #clock: Clock;
  readonly #correction: ClockCorrection;
  #client: MqttClient | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #pending: ((reply: Reply | undefined) => void) | undefined;
  #seq = 0;
  /** When the last reply arrived, local ms. */
  #t4 = 0;
  #stopped = false;

  constructor(task: ClockProbeTask, clock: Clock, correction: ClockCorrection) {
    this.#task = task;
    this.#clock = clock;
    this.#correction = correction;
  }

  /** Connects and subscribes; a follower then measures its first burst. Never throws: a failure is kept as `problem`. */
  async start(target: BrokerTarget, plan: RunPlan, password: string): Promise<void> {
    try {
      const [{ deviceClientOptions }, { openClient }] = await Promise.all([
        import('./engines/mqttjs/client-options.js'),
        import('./engines/mqttjs/open-client.js'),
      ]);
      const options = {
        ...deviceClientOptions(target, { ...plan.mqtt, clean: true, sessionExpirySec: null }, this.#task.clientId, password),
        connectTimeout: CONNECT_TIMEOUT_MS,
      };
      const client = openClient({ url: target.url }, options, target.tls?.client);
      this.#client = client;
      client.on('error', (error) => (this.#correction.problem ??= `clock probe: ${error.message}`));
      client.on('message', (topic, payload) => this.#onMessage(topic, payload));
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', reject);
        client.once('close', () => reject(new Error('connection closed before CONNACK')));
      });
      const filter = this.#task.role === 'reference' ? `${this.#task.topic}/req` : `${this.#task.topic}/resp/${this.#task.id}`;
      const granted = await client.subscribeAsync(filter, { qos: 0 });
      if (granted.some((g) => g.qos > 2)) throw new Error(`subscription to ${filter} refused`);
      if (this.#task.role === 'follower') await this.#burstThenSchedule();
    } catch (error) {
      this.#correction.problem = `clock probe: ${error instanceof Error ? error.message : String(error)}`;
      await this.stop();
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#pending?.(undefined);
    const client = this.#client;
    this.#client = undefined;
    if (client !== undefined) await client.endAsync(true).catch(() => undefined);
  }

  async #burstThenSchedule(): Promise<void> {
    await this.#burst();
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#burstThenSchedule(), this.#task.intervalMs);
    this.#timer.unref();
  }

  /** BURST requests, one at a time; the estimate of those answered is adopted. */
  async #burst(): Promise<void> {
    const samples: ClockSample[] = [];
    for (let i = 0; i < BURST && !this.#stopped; i++) {
      // A probe whose connection ended (stopped, or closed by a broker that refused it) asks no more.
      const client = this.#client;
      if (client === undefined || !client.connected) break;
      const q = ++this.#seq;
      const t1 = this.#clock.nowMs();
      const answered = new Promise<Reply | undefined>((resolve) => {
        this.#pending = resolve;
        setTimeout(() => resolve(undefined), REPLY_TIMEOUT_MS).unref();
      });
      client.publish(`${this.#task.topic}/req`, JSON.stringify({ q, t1, r: this.#task.id } satisfies Request), { qos: 0 });
      const reply = await answered;
      this.#pending = undefined;
      if (reply?.q === q) samples.push({ t1: reply.t1, t2: reply.t2, t3: reply.t3, t4: this.#t4 });
    }
    const estimate = estimateOffset(samples, this.#clock.nowMs());
    if (estimate !== undefined) this.#correction.adopt(estimate, this.#task.correct);
    else this.#correction.problem ??= 'clock probe: the reference did not answer';
  }

  #onMessage(topic: string, payload: Buffer): void {
    const nowMs = this.#clock.nowMs();
    let data: unknown;
    try {
      data = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    if (typeof data !== 'object' || data === null) return;
    if (this.#task.role === 'reference') return this.#answer(data, nowMs);
    if (topic !== `${this.#task.topic}/resp/${this.#task.id}`) return;
    const reply: Partial<Reply> = data;
    if (typeof reply.q !== 'number' || typeof reply.t1 !== 'number' || typeof reply.t2 !== 'number' || typeof reply.t3 !== 'number') return;
    this.#t4 = nowMs;
    this.#pending?.({ q: reply.q, t1: reply.t1, t2: reply.t2, t3: reply.t3 });
  }

  #answer(request: Partial<Request>, t2: number): void {
    if (typeof request.q !== 'number' || typeof request.t1 !== 'number' || typeof request.r !== 'string' || !/^[\w-]{1,64}$/.test(request.r)) return;
    const reply: Reply = { q: request.q, t1: request.t1, t2, t3: this.#clock.nowMs() };
    this.#client?.publish(`${this.#task.topic}/resp/${request.r}`, JSON.stringify(reply), { qos: 0 });
  }
}
