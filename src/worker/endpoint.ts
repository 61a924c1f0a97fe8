/**
 * Which broker URL and which source address a device uses. Pure and deterministic, so every
 * shard and every worker places a device the same way: device k goes to URL k mod n (as clients
 * of a clustered broker spread over its nodes), and cycles through the source addresses once per
 * round of URLs, so every (address, URL) pair carries about the same number of connections.
 */
import type { LocalPorts } from './local-ports.js';
import type { BrokerTarget } from './messages.js';
import { itemAt } from '../util/item-at.js';

export interface DeviceEndpoint {
  url: string;
  /** Absent: the kernel picks the source address. */
  localAddress?: string;
  /** With a source address: picks the source port of each connection (src/worker/local-ports.ts). */
  localPorts?: LocalPorts;
  globalIndex?: number;
}

/** Every broker URL of a target: `urls` when the scenario lists several, else `url`. */
export function brokerUrls(target: Pick<BrokerTarget, 'url' | 'urls'>): string[] {
  return target.urls !== undefined && target.urls.length > 0 ? target.urls : [target.url];
}

export function deviceEndpoint(target: Pick<BrokerTarget, 'url' | 'urls' | 'localAddresses' | 'localPorts'>, globalIndex: number): DeviceEndpoint {
  const urls = brokerUrls(target);
  const url = itemAt(urls, globalIndex % urls.length);
  const addresses = target.localAddresses ?? [];
  if (addresses.length === 0) return { url };
  const localAddress = addresses[Math.floor(globalIndex / urls.length) % addresses.length];
  if (localAddress === undefined) return { url };
  return target.localPorts === undefined ? { url, localAddress } : { url, localAddress, localPorts: target.localPorts, globalIndex };
}

/** Where a device's next socket binds: its source address and, when picked in user space, its port. */
export function bindOptions(endpoint: DeviceEndpoint): { localAddress?: string; localPort?: number } {
  if (endpoint.localAddress === undefined) return {};
  if (endpoint.localPorts === undefined || endpoint.globalIndex === undefined) return { localAddress: endpoint.localAddress };
  return { localAddress: endpoint.localAddress, localPort: endpoint.localPorts.next(endpoint.globalIndex) };
}
