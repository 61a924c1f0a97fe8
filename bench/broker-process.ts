/** The `broker` command as a child process, for benches: start, read its port, its CPU, stop. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
/** Linux clock ticks per second for /proc/<pid>/stat (USER_HZ, 100 on every mainstream kernel). */
const TICKS_PER_SEC = 100;

export interface BrokerProcess {
  child: ChildProcess;
  port: number;
  output: () => string;
  /** CPU seconds (user + system) the process has used so far, from /proc. */
  cpuSec: () => number;
  /** RSS in bytes, from /proc. */
  rssBytes: () => number;
  stop: () => Promise<number | null>;
}

export function startBrokerProcess(args: string[]): Promise<BrokerProcess> {
  const child = spawn(process.execPath, [CLI, 'broker', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
      const port = /listening mqtt:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
      if (port !== undefined && /Ctrl-C/.test(output)) {
        resolve({
          child,
          port: Number(port),
          output: () => output,
          cpuSec: () => procStat(child.pid as number).cpuSec,
          rssBytes: () => procStat(child.pid as number).rssBytes,
          stop: async () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    void exited.then((code) => reject(new Error(`broker exited ${code}: ${output}`)));
  });
}

function procStat(pid: number): { cpuSec: number; rssBytes: number } {
  // Fields after the command name (which may hold spaces) start at field 3.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const rssPages = Number(fields[21]);
  return { cpuSec: (utime + stime) / TICKS_PER_SEC, rssBytes: rssPages * 4096 };
}
