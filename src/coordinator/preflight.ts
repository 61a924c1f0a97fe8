/**
 * Does the plan fit this machine? Checked before the first connection, so that a run which
 * cannot succeed stops at once with the numbers and what to change, instead of collapsing
 * half-way. The figures come from our own measurements on the reference machine
 * (docs/benchmarks.md, docs/scaling.md).
 */
import type { SpreadLoad } from './address-pairs.js';
import type { MachineFacts } from './machine-facts.js';

/** Descriptors the runtime, workers, log files and the broker's listeners use besides sockets. */
const FD_OVERHEAD = 200;
/**
 * Where the kernel picks the source port, its search collapses the connect rate (measured:
 * thousands per second → about a hundred) past a share of the ephemeral range:
 * - connect() without a bind searches the even half (~14,000 of 28,232) **per (source, broker
 *   address) pair**: the port only has to make the 4-tuple unique, so other broker addresses
 *   reuse the same ports (measured: 19,000 connections from one source to 2 broker ports or 4
 *   broker addresses without a fall, 1 broker address collapsing at 14,000–16,000);
 * - bind(addr, 0), what a source address needs, searches about a quarter (~7,000) **per source
 *   address**, whatever the broker, since bind() does not know it yet.
 * With source addresses the harness picks every port itself (src/worker/local-ports.ts) whenever
 * each pair's port slots fit in the range, and then neither search happens. docs/scaling.md has
 * the runs.
 */
const UNBOUND_SHARE_OF_PORTS = 1 / 2;
const BOUND_SHARE_OF_PORTS = 1 / 4;
const DEFAULT_EPHEMERAL_PORTS = 28_232;
/** RSS per held connection: MQTT.js client (~15 KiB), the kernel per socket (~4.5 KiB), Aedes (~14 KiB). */
const CLIENT_BYTES = 15 * 1024;
const KERNEL_SOCKET_BYTES = 4.5 * 1024;
const EMBEDDED_BROKER_BYTES = 14 * 1024;

export interface PreflightInput {
  /** Connections this process will hold at most. */
  connections: number;
  embeddedBroker: boolean;
  /** How the connections of this machine (every process of it) spread over source and broker addresses. */
  machine: SpreadLoad;
  facts: MachineFacts;
}

export interface PreflightOutcome {
  problems: string[];
  notes: string[];
}

export function preflight(input: PreflightInput): PreflightOutcome {
  const problems: string[] = [];
  const notes: string[] = [];
  const { connections, facts } = input;
  // With the embedded broker in this process, every connection holds two descriptors.
  const fdsNeeded = connections * (input.embeddedBroker ? 2 : 1) + FD_OVERHEAD;
  if (facts.openFilesSoft !== null && fdsNeeded > facts.openFilesSoft) {
    const perProcess = Math.floor((facts.openFilesSoft - FD_OVERHEAD) / (input.embeddedBroker ? 2 : 1));
    problems.push(
      `${connections} connections need ${fdsNeeded} open files${input.embeddedBroker ? ' (two per connection with the embedded broker in this process)' : ''}, but this process may open ${facts.openFilesSoft} (hard limit ${facts.openFilesHard ?? 'unknown'}): ` +
        (input.embeddedBroker
          ? `the embedded broker holds one side of every connection, so point at an external broker and use run --processes ${Math.ceil(connections / Math.max(1, facts.openFilesSoft - FD_OVERHEAD))}, or raise the limit (ulimit -n, up to the hard limit)`
          : `use run --processes ${Math.ceil(Math.max(connections, input.machine.connections) / Math.max(1, perProcess))} (or more shards), or raise the limit (ulimit -n, up to the hard limit)`),
    );
  }
  const portProblem = portSearchProblem(input.machine, facts);
  if (portProblem !== undefined) problems.push(portProblem);
  const bytesNeeded = connections * (CLIENT_BYTES + KERNEL_SOCKET_BYTES + (input.embeddedBroker ? EMBEDDED_BROKER_BYTES + KERNEL_SOCKET_BYTES : 0));
  if (bytesNeeded > facts.freeMemoryBytes * 0.9) {
    problems.push(
      `${connections} connections need about ${mib(bytesNeeded)} MiB, and ${mib(facts.freeMemoryBytes)} MiB are free: use fewer devices per machine, or more machines (--shard)`,
    );
  } else if (connections > 0) {
    notes.push(
      `${connections} connections: about ${fdsNeeded} open files of ${facts.openFilesSoft ?? '?'}, ${mib(bytesNeeded)} MiB of ${mib(facts.freeMemoryBytes)} MiB free`,
    );
  }
  return { problems, notes };
}

/** The busiest pair (no bind) or source address (bind, ports left to the kernel) against the share of the range the kernel searches. */
export function portSearchProblem(machine: SpreadLoad, facts: Pick<MachineFacts, 'ephemeralPorts'>): string | undefined {
  const ports = facts.ephemeralPorts ?? DEFAULT_EPHEMERAL_PORTS;
  // Ports picked in user space: the kernel checks one port per connection and searches nothing.
  if (machine.bound && machine.slotsPerPair <= ports) return undefined;
  if (!machine.bound) {
    const busiest = machine.pairs[0];
    const cliff = Math.floor(ports * UNBOUND_SHARE_OF_PORTS);
    if (busiest === undefined || busiest.connections <= cliff) return undefined;
    const needed = Math.ceil(machine.connections / cliff);
    return (
      `${busiest.connections} connections from the one source address the kernel picks to broker address ${busiest.broker} (${machine.pairs.length} broker address${machine.pairs.length === 1 ? '' : 'es'} in all): ` +
      `past about ${cliff} per broker address the kernel's ephemeral port search collapses the connect rate (${ports} ports in ip_local_port_range, the even half searched at connect()); ` +
      `spread the devices over ${needed} or more broker addresses (ports), or give source addresses (--local-address: the harness then picks the ports), or widen ip_local_port_range`
    );
  }
  const busiest = machine.sources[0];
  const cliff = Math.floor(ports * BOUND_SHARE_OF_PORTS);
  if (busiest === undefined || busiest.connections <= cliff) return undefined;
  const brokers = new Set(machine.pairs.filter((p) => p.source === busiest.source).map((p) => p.broker)).size;
  const pairs = Math.ceil(machine.slotsPerPair / ports) * machine.pairs.length;
  return (
    `${busiest.connections} connections from source address ${busiest.source} (to ${brokers} broker address${brokers === 1 ? '' : 'es'}; ${machine.sources.length} source address${machine.sources.length === 1 ? '' : 'es'} in all): ` +
    `each (source, broker) pair needs ${machine.slotsPerPair} ports, more than the ${ports} of ip_local_port_range, so the kernel picks them at bind(), whose search collapses the connect rate past about ${cliff} per source address; ` +
    `spread the devices over ${pairs} or more (source address, broker address) pairs (--local-address, broker URLs), or widen ip_local_port_range`
  );
}

function mib(bytes: number): number {
  return Math.round(bytes / 1048576);
}
