/**
 * Typed messages between the coordinator and a worker (piscina's src/types.ts is the model).
 * The task argument carries the worker's whole shard; the MessagePort carries the rest.
 */
import type { JsonWebKey } from 'node:crypto';
import type { MessagePort } from 'node:worker_threads';
import type { IntervalMetrics } from '../metrics/snapshot.js';
import type { RunPlan } from '../scenario/run-plan.js';
import type { WorkerFaults } from './faults.js';
import type { TlsClient } from './tls-client.js';
import type { LocalPorts } from './local-ports.js';
import type { BrokerNotesDelta } from './broker-notes.js';

/** One device as a worker receives it. `key` is absent when the worker must generate it. */
export interface DeviceAssignment {
  globalIndex: number;
  groupIndex: number;
  deviceId: string;
  key?: { privateKey: JsonWebKey; kid: string };
}

/**
 * Where and how workers connect. The coordinator fills in the PEM contents from the scenario's
 * `tls` files, so workers never read the scenario's files themselves.
 */
export interface BrokerTarget {
  url: string;
  tls?: TlsTarget;
  /** Every broker URL, when devices are spread over several (src/worker/endpoint.ts). */
  urls?: string[];
  /** Source addresses devices are spread over. */
  localAddresses?: string[];
  /** Built in the worker when there are source addresses (src/worker/local-ports.ts); never sent. */
  localPorts?: LocalPorts;
}

export interface TlsTarget {
  /** PEM of the CA(s) to trust. Node's `ca` replaces the default trust store, it does not add to it. */
  ca?: string;
  /** PEM client certificate and key, for mutual TLS. */
  cert?: string;
  key?: string;
  servername?: string;
  minVersion: 'TLSv1.2' | 'TLSv1.3';
  rejectUnauthorized: boolean;
  /** Built in the worker from the fields above (src/worker/tls-client.ts); never sent between threads. */
  client?: TlsClient;
}

export interface WorkerTask {
  workerIndex: number;
  plan: RunPlan;
  target: BrokerTarget;
  devices: DeviceAssignment[];
  port: MessagePort;
  /** Faults injected on purpose (tests of the harness's self-watch); absent in real runs. */
  faults?: WorkerFaults;
  /** The clock probe of a run of several shards (clock-probe.ts); absent for a run of one piece. */
  clockProbe?: ClockProbeTask;
}

export interface ClockProbeTask {
  /** Requests go to `<topic>/req`, answers to `<topic>/resp/<id>`. */
  topic: string;
  /** Shard 0's worker 0 answers; every other worker measures its offset to it. */
  role: 'reference' | 'follower';
  /** `<shard>-<worker>`: where this worker's answers go. */
  id: string;
  clientId: string;
  /** Apply the offset to payload times and receipts (`clock.correct`), or only measure it. */
  correct: boolean;
  intervalMs: number;
}

/** A worker's clock against the reference, as its last snapshot carries it. */
export interface WorkerClock {
  role: 'reference' | 'follower';
  corrected: boolean;
  /** The latest estimate (null: none yet), and the first, to show drift. */
  offsetMs: number | null;
  uncertaintyMs: number | null;
  firstOffsetMs: number | null;
  estimates: number;
  problem?: string;
}

export interface GeneratedKey {
  deviceId: string;
  privateKey: JsonWebKey;
  publicKey: string;
  kid: string;
}

export interface WorkerSnapshot {
  workerIndex: number;
  /** Epoch milliseconds when the interval ended. */
  atMs: number;
  final: boolean;
  /** The stage running when the interval was taken; -1 before the first stage. */
  stageIndex: number;
  connected: number;
  /** Messages sent and not yet acknowledged. */
  inFlight: number;
  /** Per group name. */
  groups: Record<string, IntervalMetrics>;
  /** The worker's own figures, of no group: event-loop delay. */
  harness: IntervalMetrics;
  /** This worker's event loop over the interval: busy and idle time (performance.eventLoopUtilization). */
  loop: { activeMs: number; idleMs: number };
  /** Subscribers whose session ended in this interval after going silent while their filters' traffic went on. */
  silentSubscribers?: SilentSubscriber[];
  /** The worker's clock against the run's reference, in a run of several shards. */
  clock?: WorkerClock;
  /** Reason Strings and capabilities learnt in this interval (broker-notes.ts); absent when none. */
  notes?: BrokerNotesDelta;
}

/** One subscriber that stopped receiving what its filter covers (src/worker/stages/subscriptions.ts). */
export interface SilentSubscriber {
  group: string;
  /** The subscribe stage's filter template. */
  filter: string;
  deviceId: string;
  /** When it last received (or was granted its subscription), epoch ms. */
  silentFromMs: number;
  /** Messages its filter covered since then, by the plan's rates. */
  missed: number;
}

export type WorkerToCoordinator =
  | { type: 'keys-generated'; groupIndex: number; keys: GeneratedKey[] }
  | { type: 'ready'; workerIndex: number }
  | { type: 'snapshot'; snapshot: WorkerSnapshot }
  | { type: 'stage-done'; workerIndex: number; stageIndex: number };

export type CoordinatorToWorker = { type: 'start-stage'; stageIndex: number; startAtMs: number } | { type: 'stop' };

/** What the task resolves to: the last interval's snapshot. */
export type WorkerResult = WorkerSnapshot;
