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
 * Past about half the ephemeral port range (~14,000 of 28,232) of connections from one source
 * address, whatever broker addresses they go to, each new connect() makes the kernel scan for a
 * free port and the connect rate collapses (measured: ~2,500/s → ~110/s). A socket that binds its
 * source address first (`localAddress`: Node binds before it connects) gets its port from bind(),
 * which searches a quarter of the range (~7,000) before it collapses the same way (measured:
 * ~3,000/s → ~250/s at 7,000–8,000, with one broker address or two). docs/scaling.md has the runs.
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

/** The busiest source address against the share of the port range its kind of socket searches. */
export function portSearchProblem(machine: SpreadLoad, facts: Pick<MachineFacts, 'ephemeralPorts'>): string | undefined {
  const busiest = machine.sources[0];
  if (busiest === undefined) return undefined;
  const ports = facts.ephemeralPorts ?? DEFAULT_EPHEMERAL_PORTS;
  const cliff = Math.floor(ports * (machine.bound ? BOUND_SHARE_OF_PORTS : UNBOUND_SHARE_OF_PORTS));
  if (busiest.connections <= cliff) return undefined;
  const from = machine.bound ? `source address ${busiest.source}` : 'the one source address the kernel picks';
  const brokers = new Set(machine.pairs.filter((p) => p.source === busiest.source).map((p) => p.broker)).size;
  const needed = Math.ceil(machine.connections / Math.floor(ports * BOUND_SHARE_OF_PORTS));
  return (
    `${busiest.connections} connections from ${from} (to ${brokers} broker address${brokers === 1 ? '' : 'es'}; ${machine.sources.length} source address${machine.sources.length === 1 ? '' : 'es'} in all): ` +
    `past about ${cliff} the kernel's ephemeral port search collapses the connect rate (${ports} ports in ip_local_port_range${machine.bound ? '; a bound source address searches a quarter of them' : ''}); ` +
    `spread the devices over ${needed} or more source addresses (--local-address), or widen ip_local_port_range; more broker addresses do not help`
  );
}

function mib(bytes: number): number {
  return Math.round(bytes / 1048576);
}
