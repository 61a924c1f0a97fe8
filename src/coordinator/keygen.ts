/**
 * `keys generate`: a keystore of N devices, generated in parallel across worker threads, saved
 * as it grows. Run again after an interruption and it generates only what is missing.
 */
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Algorithm } from '../identity/algorithms.js';
import { KeystoreWriter } from '../identity/keystore-writer.js';
import { loadKeystore } from '../identity/keystore.js';
import type { KeygenTask } from '../worker/keygen-task.js';
import type { CoordinatorToWorker, WorkerToCoordinator } from '../worker/messages.js';
import type { ProgressListener } from './progress.js';

export interface KeygenOptions {
  path: string;
  alg: Algorithm;
  rsaBits: number;
  deviceIds: string[];
  workers: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export interface KeygenResult {
  path: string;
  existing: number;
  generated: number;
  complete: boolean;
}

export async function generateKeystore(options: KeygenOptions): Promise<KeygenResult> {
  const store = await loadKeystore(options.path, options.alg);
  const missing = options.deviceIds.filter((id) => store.devices[id] === undefined);
  const existing = options.deviceIds.length - missing.length;
  const writer = new KeystoreWriter(options.path, store);
  const startMs = Date.now();
  let generated = 0;
  const pool = new Piscina<KeygenTask, number>({
    filename: new URL('../worker/keygen-task.js', import.meta.url).href,
    minThreads: options.workers,
    maxThreads: options.workers,
    atomics: 'disabled',
  });
  const ports: MessageChannel['port1'][] = [];
  const stop = (): void => ports.forEach((port) => port.postMessage({ type: 'stop' } satisfies CoordinatorToWorker));
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    const counts = await Promise.all(
      Array.from({ length: options.workers }, (_, w) => {
        const items = missing.filter((_, i) => i % options.workers === w).map((deviceId) => ({ deviceId, alg: options.alg, rsaBits: options.rsaBits, tag: 0 }));
        const { port1, port2 } = new MessageChannel();
        ports.push(port1);
        port1.on('message', (message: WorkerToCoordinator) => {
          if (message.type !== 'keys-generated') return;
          writer.add(message.keys.map((k) => [k.deviceId, { privateKey: k.privateKey, publicKey: k.publicKey, kid: k.kid }]));
          generated += message.keys.length;
          options.onProgress?.({ type: 'keys', generated, total: missing.length, elapsedMs: Date.now() - startMs });
        });
        return pool.run({ items, port: port2 }, { transferList: [port2] });
      }),
    );
    // Each task's last batch travels on its own port, apart from the task's result: wait for it.
    const expected = counts.reduce((a, b) => a + b, 0);
    for (let waitedMs = 0; generated < expected && waitedMs < 10_000; waitedMs += 10) await new Promise((r) => setTimeout(r, 10));
  } finally {
    options.signal?.removeEventListener('abort', stop);
    await writer.flush();
    ports.forEach((port) => port.close());
    await pool.destroy();
  }
  return { path: options.path, existing, generated, complete: generated === missing.length };
}
