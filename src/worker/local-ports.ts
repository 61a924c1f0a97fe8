/**
 * Source ports chosen in user space, for devices with a source address (`localAddress`).
 *
 * Linux answers `bind(addr, 0)`, which a connect from a given source address needs, by scanning
 * the ephemeral range for a free port under a lock (inet_csk_find_open_port), and from Linux 4.2
 * on only over half the range (the other half is kept for connect()): kernel time that grows
 * with every connection already held, and a cliff at about 14,000 connections per address.
 * A device here gets its port by arithmetic instead: devices that share a source address and a
 * broker URL (one 4-tuple space) take consecutive slots of the whole ephemeral range, read from
 * /proc/sys/net/ipv4/ip_local_port_range. The slot follows the device's fleet index, so workers,
 * shard processes and machines never pick the same port for the same pair. Node binds with
 * SO_REUSEADDR (libuv), so the kernel then only checks the one port.
 *
 * A device that connects again (refresh, lost connection, storm) moves one round further (its
 * slot plus a multiple of the slots in use), away from its last socket, which may linger in
 * TIME_WAIT. Ports with a listener on them, and the kernel's reserved ports, are skipped.
 * Node does not expose IP_BIND_ADDRESS_NO_PORT, which would let the kernel pick at connect time.
 */
import { readFileSync } from 'node:fs';
import type { BrokerTarget } from './messages.js';

export interface PortRange {
  low: number;
  high: number;
}

export class LocalPorts {
  readonly #low: number;
  readonly #size: number;
  /** Devices per (source address, URL) pair: the stride between a device's rounds. */
  readonly #slotsPerPair: number;
  readonly #pairs: number;
  readonly #skip: ReadonlySet<number>;
  /** Connections made so far by fleet index (wrapping at 256): a byte a device. */
  readonly #rounds: Uint8Array;

  constructor(range: PortRange, totalDevices: number, pairs: number, skip: ReadonlySet<number>) {
    this.#low = range.low;
    this.#size = range.high - range.low + 1;
    this.#pairs = pairs;
    this.#slotsPerPair = Math.ceil(totalDevices / pairs);
    this.#skip = skip;
    this.#rounds = new Uint8Array(totalDevices);
  }

  /** Whether every pair's devices fit in the range; otherwise the kernel chooses. */
  get fits(): boolean {
    return this.#slotsPerPair <= this.#size;
  }

  /** The source port for device `globalIndex`'s next connection. */
  next(globalIndex: number): number {
    const slot = Math.floor(globalIndex / this.#pairs);
    let round = this.#rounds[globalIndex] ?? 0;
    let port = this.#portAt(slot, round);
    for (let tries = 0; this.#skip.has(port) && tries < 256; tries++) port = this.#portAt(slot, ++round);
    this.#rounds[globalIndex] = (round + 1) & 0xff;
    return port;
  }

  #portAt(slot: number, round: number): number {
    return this.#low + ((slot + round * this.#slotsPerPair) % this.#size);
  }
}

/** The kernel's ephemeral range (Linux), or its default when /proc cannot say. */
export function readPortRange(read: (path: string) => string = (path) => readFileSync(path, 'utf8')): PortRange {
  try {
    const [low, high] = read('/proc/sys/net/ipv4/ip_local_port_range').trim().split(/\s+/).map(Number);
    if (low !== undefined && high !== undefined && Number.isInteger(low) && Number.isInteger(high) && low > 0 && high >= low) return { low, high };
  } catch {
    // Not Linux: the default below.
  }
  return { low: 32768, high: 60999 };
}

/**
 * Ports never to bind: the kernel's reserved ports (`1000-1100,2000`) and every port a local
 * socket listens on (/proc/net/tcp and tcp6, state 0A), on any address.
 */
export function portsToSkip(read: (path: string) => string = (path) => readFileSync(path, 'utf8')): Set<number> {
  const skip = new Set<number>();
  const tryRead = (path: string): string => {
    try {
      return read(path);
    } catch {
      return '';
    }
  };
  for (const part of tryRead('/proc/sys/net/ipv4/ip_local_reserved_ports').trim().split(',')) {
    const [from, to] = part.split('-').map(Number);
    if (from === undefined || !Number.isInteger(from) || part === '') continue;
    for (let port = from; port <= (to ?? from); port++) skip.add(port);
  }
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of tryRead(table).split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] !== '0A') continue;
      const port = Number.parseInt(fields[1]?.split(':')[1] ?? '', 16);
      if (Number.isInteger(port)) skip.add(port);
    }
  }
  return skip;
}

/**
 * Gives a task's target its port picker, once per worker, when devices have source addresses and
 * every (address, URL) pair's devices fit in the ephemeral range; else the kernel keeps choosing.
 */
export function withLocalPorts(target: BrokerTarget, totalDevices: number): BrokerTarget {
  const addresses = target.localAddresses ?? [];
  if (addresses.length === 0) return target;
  const urls = target.urls !== undefined && target.urls.length > 0 ? target.urls.length : 1;
  const ports = new LocalPorts(readPortRange(), totalDevices, urls * addresses.length, portsToSkip());
  return ports.fits ? { ...target, localPorts: ports } : target;
}
