/** The piscina entry for `keys generate`: one worker's share of the key pairs, in batches. */
import type { MessagePort } from 'node:worker_threads';
import { generateKeys, type KeygenItem } from './keygen.js';
import type { CoordinatorToWorker, WorkerToCoordinator } from './messages.js';

export interface KeygenTask {
  items: KeygenItem[];
  port: MessagePort;
}

export default async function runKeygenTask(task: KeygenTask): Promise<number> {
  let stopping = false;
  task.port.on('message', (message: CoordinatorToWorker) => {
    if (message.type === 'stop') stopping = true;
  });
  let generated = 0;
  await generateKeys(task.items, {
    onBatch: (groupIndex, keys) => {
      generated += keys.length;
      task.port.postMessage({ type: 'keys-generated', groupIndex, keys } satisfies WorkerToCoordinator);
    },
    shouldStop: () => stopping,
  });
  task.port.close();
  return generated;
}
