/**
 * The MessagePort between the coordinator and a worker, typed on both ends: each side can only
 * post what the other expects (messages.ts), and listens for what the other sends. The messages
 * are structured clones from our own code on the other end, so they are typed, not validated.
 */
import type { MessagePort } from 'node:worker_threads';
import type { CoordinatorToWorker, WorkerToCoordinator } from './messages.js';

export interface TypedPort<Incoming, Outgoing> {
  post(message: Outgoing): void;
  onMessage(listener: (message: Incoming) => void): void;
  close(): void;
}

function typedPort<Incoming, Outgoing>(port: MessagePort): TypedPort<Incoming, Outgoing> {
  return {
    post: (message) => port.postMessage(message),
    onMessage: (listener) => {
      port.on('message', listener);
    },
    close: () => port.close(),
  };
}

/** The worker's end: it hears stage starts and stops, and sends keys, snapshots and progress. */
export type WorkerPort = TypedPort<CoordinatorToWorker, WorkerToCoordinator>;
/** The coordinator's end of one worker's port. */
export type CoordinatorPort = TypedPort<WorkerToCoordinator, CoordinatorToWorker>;

export function workerPort(port: MessagePort): WorkerPort {
  return typedPort(port);
}

export function coordinatorPort(port: MessagePort): CoordinatorPort {
  return typedPort(port);
}
