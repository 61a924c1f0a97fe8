/**
 * Generating key pairs off the event loop (libuv's thread pool), a few at a time, reporting them
 * in batches: used by a run's workers for missing per-device keys and by `keys generate`.
 */
import type { KeyObject } from 'node:crypto';
import type { Algorithm } from '../identity/algorithms.js';
import { fingerprint, generateKeyObjects, pemOf } from '../identity/keys.js';
import type { GeneratedKey } from './messages.js';

/** Generations in flight per worker: enough to keep a core busy through libuv's pool. */
const IN_FLIGHT = 2;
const BATCH_KEYS = 100;
const BATCH_MS = 1000;

export interface KeygenItem {
  deviceId: string;
  alg: Algorithm;
  rsaBits: number;
  /** Passed back with the batch, so callers can route keys (e.g. to their group). */
  tag: number;
}

export interface KeygenCallbacks {
  onKey?: (item: KeygenItem, pair: { privateKey: KeyObject; publicKey: KeyObject; kid: string }) => void;
  onBatch: (tag: number, keys: GeneratedKey[]) => void;
  shouldStop: () => boolean;
}

/** Generates a key pair for every item, until done or told to stop; every batch is reported. */
export async function generateKeys(items: readonly KeygenItem[], callbacks: KeygenCallbacks): Promise<void> {
  const batches = new Map<number, GeneratedKey[]>();
  let lastFlushMs = Date.now();
  const flush = (): void => {
    for (const [tag, batch] of batches) if (batch.length > 0) callbacks.onBatch(tag, batch.splice(0));
    lastFlushMs = Date.now();
  };
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let n = next++; n < items.length && !callbacks.shouldStop(); n = next++) {
      const item = items[n] as KeygenItem;
      const pair = await generateKeyObjects(item.alg, item.rsaBits);
      const kid = fingerprint(pair.publicKey);
      callbacks.onKey?.(item, { ...pair, kid });
      const batch = batches.get(item.tag) ?? [];
      batch.push({
        deviceId: item.deviceId,
        privateKey: pair.privateKey.export({ format: 'jwk' }),
        publicKey: pemOf(pair.publicKey, 'spki'),
        kid,
      });
      batches.set(item.tag, batch);
      if (batch.length >= BATCH_KEYS || Date.now() - lastFlushMs >= BATCH_MS) flush();
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, items.length) }, lane));
  flush();
}
