/** CPU seconds and RSS of a process, from /proc (Linux), so a bench can read a child it started. */
import { readFileSync } from 'node:fs';

/** Linux clock ticks per second for /proc/<pid>/stat (USER_HZ, 100 on every mainstream kernel). */
const TICKS_PER_SEC = 100;

export interface ProcSample {
  cpuSec: number;
  sysSec: number;
  rssBytes: number;
  /** The process's peak RSS so far (VmHWM of /proc/<pid>/status); summed over a tree, an upper bound of its peak. */
  peakRssBytes: number;
}

export function procStat(pid: number): ProcSample {
  // Fields after the command name (which may hold spaces) start at field 3.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const rssPages = Number(fields[21]);
  return {
    cpuSec: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SEC,
    sysSec: Number(fields[12]) / TICKS_PER_SEC,
    rssBytes: rssPages * 4096,
    peakRssBytes: peakRss(pid),
  };
}

/** VmHWM: the high-water mark of the process's resident set, in bytes (0 where it cannot be read). */
export function peakRss(pid: number | 'self'): number {
  const kib = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return kib === undefined ? 0 : Number(kib) * 1024;
}

/** CPU seconds of one thread `tid` of process `pid` (the main thread's tid is the pid). */
export function threadCpuSec(pid: number, tid: number): number {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SEC;
}

/** The same, summed over `pid` and every process below it (shard processes of `run --processes`). */
export function procTreeStat(pid: number): ProcSample {
  return sumTree(pid, procStat, (a, b) => ({
    cpuSec: a.cpuSec + b.cpuSec,
    sysSec: a.sysSec + b.sysSec,
    rssBytes: a.rssBytes + b.rssBytes,
    peakRssBytes: a.peakRssBytes + b.peakRssBytes,
  }));
}

/** `read` of `pid` and of every process below it, summed by `add`; one that exits meanwhile is left out. */
function sumTree<T>(pid: number, read: (pid: number) => T, add: (total: T, sub: T) => T): T {
  let total = read(pid);
  for (const child of childrenOf(pid)) {
    try {
      total = add(total, sumTree(child, read, add));
    } catch {
      // Exited between the listing and the read.
    }
  }
  return total;
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(' ')
      .filter((s) => s.trim() !== '')
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * PSS of `pid` and every process below it, bytes (Pss of /proc/<pid>/smaps_rollup): each shared
 * page divided among the processes that map it, so a tree's sum is the memory it holds in all. A
 * sum of RSS counts the Node binary's and libraries' pages (about 50 MiB) once per process.
 */
export function procTreePss(pid: number): number {
  return sumTree(pid, pssBytes, (a, b) => a + b);
}

function pssBytes(pid: number): number {
  const kib = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1];
  return kib === undefined ? 0 : Number(kib) * 1024;
}
