/** CPU seconds and RSS of a process, from /proc (Linux), so a bench can read a child it started. */
import { readFileSync } from 'node:fs';

/** Linux clock ticks per second for /proc/<pid>/stat (USER_HZ, 100 on every mainstream kernel). */
const TICKS_PER_SEC = 100;

export function procStat(pid: number): { cpuSec: number; sysSec: number; rssBytes: number } {
  // Fields after the command name (which may hold spaces) start at field 3.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const rssPages = Number(fields[21]);
  return { cpuSec: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SEC, sysSec: Number(fields[12]) / TICKS_PER_SEC, rssBytes: rssPages * 4096 };
}

/** CPU seconds of one thread `tid` of process `pid` (the main thread's tid is the pid). */
export function threadCpuSec(pid: number, tid: number): number {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SEC;
}

/** The same, summed over `pid` and every process below it (shard processes of `run --processes`). */
export function procTreeStat(pid: number): { cpuSec: number; sysSec: number; rssBytes: number } {
  const total = procStat(pid);
  for (const child of childrenOf(pid)) {
    try {
      const sub = procTreeStat(child);
      total.cpuSec += sub.cpuSec;
      total.sysSec += sub.sysSec;
      total.rssBytes += sub.rssBytes;
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
