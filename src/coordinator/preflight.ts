/**
 * Does the plan fit this machine? Checked before the first connection, so that a run which
 * cannot succeed stops at once with the numbers and what to change, instead of collapsing
 * half-way. The figures come from our own measurements on the reference machine
 * (docs/benchmarks.md, docs/scaling.md).
 */
import type { MachineFacts } from './machine-facts.js';

/** Descriptors the runtime, workers, log files and the broker's listeners use besides sockets. */
const FD_OVERHEAD = 200;
/**
 * Past about 14,000 connections from one source address to one broker address, each new
 * connect() makes the kernel scan half the ephemeral port range (measured: ~4,500/s → ~270/s).
 */
const PORT_CLIFF_CONNECTIONS = 14_000;
/** RSS per held connection: MQTT.js client (~15 KiB), the kernel per socket (~4.5 KiB), Aedes (~14 KiB). */
const CLIENT_BYTES = 15 * 1024;
const KERNEL_SOCKET_BYTES = 4.5 * 1024;
const EMBEDDED_BROKER_BYTES = 14 * 1024;

export interface PreflightInput {
  /** Connections this process will hold at most. */
  connections: number;
  embeddedBroker: boolean;
  /** Distinct (source address, broker address) pairs the connections spread over. */
  addressPairs: number;
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
          : `use run --processes ${Math.ceil(connections / Math.max(1, perProcess))} (or more shards), or raise the limit (ulimit -n, up to the hard limit)`),
    );
  }
  const perPair = Math.ceil(connections / Math.max(1, input.addressPairs));
  const cliff = Math.min(PORT_CLIFF_CONNECTIONS, facts.ephemeralPorts ?? PORT_CLIFF_CONNECTIONS);
  if (perPair > cliff) {
    problems.push(
      `${perPair} connections from one source address to one broker address: past about ${cliff} the kernel's ephemeral port search collapses the connect rate (${facts.ephemeralPorts ?? '?'} ports in ip_local_port_range); ` +
        `spread the devices over ${Math.ceil(connections / cliff)} or more source addresses (--local-address) or broker ports`,
    );
  }
  const bytesNeeded = connections * (CLIENT_BYTES + KERNEL_SOCKET_BYTES + (input.embeddedBroker ? EMBEDDED_BROKER_BYTES + KERNEL_SOCKET_BYTES : 0));
  if (bytesNeeded > facts.freeMemoryBytes * 0.9) {
    problems.push(`${connections} connections need about ${mib(bytesNeeded)} MiB, and ${mib(facts.freeMemoryBytes)} MiB are free: use fewer devices per machine, or more machines (--shard)`);
  } else if (connections > 0) {
    notes.push(`${connections} connections: about ${fdsNeeded} open files of ${facts.openFilesSoft ?? '?'}, ${mib(bytesNeeded)} MiB of ${mib(facts.freeMemoryBytes)} MiB free`);
  }
  return { problems, notes };
}

function mib(bytes: number): number {
  return Math.round(bytes / 1048576);
}
