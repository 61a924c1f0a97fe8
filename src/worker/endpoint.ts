/**
 * Which broker URL and which source address a device uses. Pure and deterministic, so every
 * shard and every worker places a device the same way: device k goes to URL k mod n (as clients
 * of a clustered broker spread over its nodes), and cycles through the source addresses once per
 * round of URLs, so every (address, URL) pair carries about the same number of connections.
 */
import type { BrokerTarget } from './messages.js';

export interface DeviceEndpoint {
  url: string;
  /** Absent: the kernel picks the source address. */
  localAddress?: string;
}

export function deviceEndpoint(target: Pick<BrokerTarget, 'url' | 'urls' | 'localAddresses'>, globalIndex: number): DeviceEndpoint {
  const urls = target.urls !== undefined && target.urls.length > 0 ? target.urls : [target.url];
  const url = urls[globalIndex % urls.length] as string;
  const addresses = target.localAddresses ?? [];
  if (addresses.length === 0) return { url };
  return { url, localAddress: addresses[Math.floor(globalIndex / urls.length) % addresses.length] };
}
