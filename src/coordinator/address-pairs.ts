/**
 * How many connections each (source address, broker address) pair carries, counted the way the
 * devices are really placed (src/worker/endpoint.ts: device k → URL k mod n, and the next source
 * address each round of URLs) over the devices one machine or one process holds. Preflight,
 * `validate`, `run`, `run --processes` and `--shard` all count with this one function.
 */
import type { RunPlan } from '../scenario/run-plan.js';
import { totalDevices } from '../scenario/plan.js';
import type { ShardSpec } from './shards.js';
import { WHOLE_RUN } from './shards.js';

/** The source the kernel picks when no `localAddress` is given. */
export const KERNEL_SOURCE = 'default';

export interface AddressSpread {
  /** Broker URLs in the order devices are dealt to them; one entry for a single broker or the embedded one. */
  urls: readonly string[];
  /** Source addresses; empty when the kernel picks the source. */
  localAddresses: readonly string[];
  /** Devices in the whole plan (global indices 0 … devices − 1). */
  devices: number;
}

export interface PairLoad {
  source: string;
  /** host:port: URLs that differ only in their path reach the same address. */
  broker: string;
  connections: number;
}

export interface SpreadLoad {
  /** Connections of the devices counted. */
  connections: number;
  /** Every pair that carries at least one connection, busiest first. */
  pairs: PairLoad[];
  /** Connections per source address, over every broker address, busiest first. */
  sources: { source: string; connections: number }[];
  /** Whether the sockets bind a source address explicitly. */
  bound: boolean;
  /**
   * With source addresses: the port slots each (source address, broker URL) pair needs over the
   * whole plan (src/worker/local-ports.ts), which decides whether the harness can pick the ports
   * itself; 0 without.
   */
  slotsPerPair: number;
}

/** The spread a plan asks for. */
export function spreadOf(plan: Pick<RunPlan, 'broker' | 'localAddresses' | 'groups'>): AddressSpread {
  const urls = plan.broker.kind === 'url' ? plan.broker.urls : ['mqtt://127.0.0.1:0'];
  return { urls, localAddresses: plan.localAddresses, devices: totalDevices(plan) };
}

/**
 * The load of the devices in `slice` (default: all of them). A slice is a shard: device k is in
 * slice i of N when k mod N = i, as src/coordinator/shards.ts deals them.
 */
export function spreadLoad(spread: AddressSpread, slice: ShardSpec = WHOLE_RUN): SpreadLoad {
  const brokers = spread.urls.map(brokerAddress);
  const urlCount = Math.max(1, brokers.length);
  const sources = spread.localAddresses;
  const counts = new Map<string, PairLoad>();
  const perSource = new Map<string, number>();
  let connections = 0;
  for (let k = slice.index; k < spread.devices; k += slice.count) {
    const broker = brokers[k % urlCount] ?? 'unknown';
    const source = sources.length === 0 ? KERNEL_SOURCE : (sources[Math.floor(k / urlCount) % sources.length] ?? KERNEL_SOURCE);
    const key = `${source}\u0000${broker}`;
    const pair = counts.get(key);
    if (pair === undefined) counts.set(key, { source, broker, connections: 1 });
    else pair.connections++;
    perSource.set(source, (perSource.get(source) ?? 0) + 1);
    connections++;
  }
  return {
    connections,
    pairs: [...counts.values()].sort((a, b) => b.connections - a.connections),
    sources: [...perSource.entries()].map(([source, n]) => ({ source, connections: n })).sort((a, b) => b.connections - a.connections),
    bound: sources.length > 0,
    slotsPerPair: sources.length === 0 ? 0 : Math.ceil(spread.devices / (urlCount * sources.length)),
  };
}

/** The busiest slice of `count` (what one process of `run --processes count` holds at most). */
export function busiestSlice(spread: AddressSpread, count: number): SpreadLoad {
  let busiest: SpreadLoad | undefined;
  for (let index = 0; index < count; index++) {
    const load = spreadLoad(spread, { index, count });
    if (busiest === undefined || load.connections > busiest.connections) busiest = load;
  }
  return busiest ?? spreadLoad(spread);
}

function brokerAddress(url: string): string {
  try {
    const parsed = new URL(url);
    const port = parsed.port !== '' ? parsed.port : defaultPort(parsed.protocol);
    return `${parsed.hostname}:${port}`;
  } catch {
    return url;
  }
}

function defaultPort(protocol: string): string {
  switch (protocol) {
    case 'mqtts:':
      return '8883';
    case 'ws:':
      return '80';
    case 'wss:':
      return '443';
    default:
      return '1883';
  }
}
