/** The coordinator's handle on the embedded broker's worker thread. */
import { Worker } from 'node:worker_threads';
import type { DeviceRecord } from '../broker/registry.js';
import type { BrokerThreadData, FromBrokerThread, ToBrokerThread } from '../broker/thread-messages.js';
import { DEFAULT_CERT_DIR } from '../broker/certificates.js';
import { BrokerError } from '../errors.js';
import type { MetricsSnapshot } from '../metrics/snapshot.js';
import type { RunPlan } from '../scenario/run-plan.js';
import type { BrokerTarget } from '../worker/messages.js';

export class EmbeddedBroker {
  readonly host: string;
  readonly port: number;
  /** Where devices connect: TLS when the broker has a TLS port, with the CA they must trust. */
  readonly target: BrokerTarget;
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (m: FromBrokerThread) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  #exited: Error | undefined;
  #closing = false;
  #closed: Promise<MetricsSnapshot | undefined> | undefined;
  #lastMetrics: MetricsSnapshot | undefined;

  private constructor(worker: Worker, listening: Extract<FromBrokerThread, { type: 'listening' }>) {
    this.#worker = worker;
    this.host = listening.host;
    this.port = listening.port;
    this.target =
      listening.tlsPort === undefined
        ? { url: `mqtt://${listening.host}:${listening.port}` }
        : {
            url: `mqtts://${listening.host}:${listening.tlsPort}`,
            tls: { ...(listening.caPem === undefined ? {} : { ca: listening.caPem }), minVersion: 'TLSv1.2', rejectUnauthorized: true },
          };
    worker.on('message', (message: FromBrokerThread) => {
      if (!('id' in message)) return;
      const waiter = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.type === 'error') waiter?.reject(new BrokerError(`embedded broker: ${message.message}`));
      else waiter?.resolve(message);
    });
    const fail = (error: Error): void => {
      this.#exited = error;
      for (const waiter of this.#pending.values()) waiter.reject(error);
      this.#pending.clear();
    };
    worker.on('error', (error) => fail(new BrokerError(`embedded broker crashed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => {
      if (!this.#closing) fail(new BrokerError(`embedded broker exited (code ${code})`));
    });
  }

  static start(data: BrokerThreadData): Promise<EmbeddedBroker> {
    const worker = new Worker(new URL('../broker/thread.js', import.meta.url), { workerData: data });
    return new Promise((resolve, reject) => {
      const onMessage = (message: FromBrokerThread): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        if (message.type === 'listening') resolve(new EmbeddedBroker(worker, message));
        else {
          void worker.terminate();
          reject(new BrokerError(`embedded broker did not start: ${message.type === 'failed' ? message.message : message.type}`));
        }
      };
      const onError = (error: Error): void => reject(new BrokerError(`embedded broker did not start: ${error.message}`, { cause: error }));
      worker.on('message', onMessage);
      worker.once('error', onError);
    });
  }

  get url(): string {
    return this.target.url;
  }

  /** Set when the thread died; the run goes on and the report says so. */
  get failure(): Error | undefined {
    return this.#exited;
  }

  async register(devices: DeviceRecord[]): Promise<void> {
    await this.#request({ type: 'register', id: 0, devices });
  }

  async metrics(): Promise<MetricsSnapshot | undefined> {
    if (this.#exited !== undefined) return this.#lastMetrics;
    const reply = await this.#request({ type: 'metrics', id: 0 });
    if (reply.type === 'metrics') this.#lastMetrics = reply.metrics;
    return this.#lastMetrics;
  }

  /** Stops the broker; resolves to its final metrics (the last known ones if it had died). Safe to call again. */
  close(): Promise<MetricsSnapshot | undefined> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<MetricsSnapshot | undefined> {
    // Set first: the thread exits right after it replies, and its exit may be seen before the reply.
    this.#closing = true;
    if (this.#exited === undefined) {
      try {
        const reply = await this.#request({ type: 'close', id: 0 });
        if (reply.type === 'closed') this.#lastMetrics = reply.metrics;
      } catch {
        // It died while closing: keep the last metrics we had.
      }
    }
    await this.#worker.terminate();
    return this.#lastMetrics;
  }

  #request(message: ToBrokerThread): Promise<FromBrokerThread> {
    if (this.#exited !== undefined) return Promise.reject(this.#exited);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...message, id });
    });
  }
}

/** Starts the embedded broker a plan asks for, in its own thread, on 127.0.0.1 and a free port. */
export function startEmbeddedBroker(plan: RunPlan): Promise<EmbeddedBroker> {
  const { embedded } = plan;
  return EmbeddedBroker.start({
    host: '127.0.0.1',
    // With TLS on, devices connect over TLS only: no plain port is opened.
    port: embedded.tls ? null : 0,
    ...(embedded.tls ? { tlsPort: 0, localCertDir: DEFAULT_CERT_DIR } : {}),
    policy: {
      // The default; each device is registered with its own group's template.
      audienceTemplate: plan.groups[0]?.token.audienceTemplate ?? '',
      skewSec: embedded.skewSec,
      maxLifetimeSec: embedded.maxLifetimeSec,
      maxTokenBytes: embedded.maxTokenBytes,
      requireKid: embedded.requireKid,
    },
    connectTimeoutMs: embedded.connectTimeoutMs,
    maxPacketBytes: embedded.maxPacketBytes,
    maxQos: embedded.maxQos,
    expiryDisconnect: embedded.expiryDisconnect,
    ...(embedded.downlink === null ? {} : { downlink: embedded.downlink }),
  });
}
