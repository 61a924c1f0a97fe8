/** What this machine allows, read before a run: file descriptors, ephemeral ports, memory. */
import { readFile } from 'node:fs/promises';
import { freemem, totalmem } from 'node:os';

export interface MachineFacts {
  /** Soft and hard limit on open files for this process (null where it cannot be read). */
  openFilesSoft: number | null;
  openFilesHard: number | null;
  /** Size of net.ipv4.ip_local_port_range (null where it cannot be read). */
  ephemeralPorts: number | null;
  freeMemoryBytes: number;
  totalMemoryBytes: number;
}

export async function readMachineFacts(): Promise<MachineFacts> {
  const [limits, range] = await Promise.all([
    readFile('/proc/self/limits', 'utf8').catch(() => ''),
    readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => ''),
  ]);
  const files = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(limits);
  const number = (text: string | undefined): number | null => (text === undefined ? null : text === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(text));
  const ports = range.trim().split(/\s+/).map(Number);
  return {
    openFilesSoft: number(files?.[1]),
    openFilesHard: number(files?.[2]),
    ephemeralPorts: ports.length === 2 && ports.every(Number.isFinite) ? (ports[1] as number) - (ports[0] as number) + 1 : null,
    freeMemoryBytes: freemem(),
    totalMemoryBytes: totalmem(),
  };
}
