/**
 * What an idle Node worker thread costs on this machine before any harness code runs, and what
 * `monitorEventLoopDelay` at the harness's 10 ms adds to it: the floor under the idle figure of
 * bench/floor-vs-harness.ts. Each variant is a fresh Node process holding one worker thread that
 * does nothing but keep itself alive (a 1 s interval, as a shard's snapshot timer does); CPU per
 * thread comes from /proc/self/task/<tid>/schedstat (run time in ns, the scheduler's own sum) and
 * wake-ups from its count of timeslices. Variants alternate, ROUNDS of each, medians printed.
 *
 *   node dist/bench/idle-thread.js [--seconds 15] [--rounds 3]
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '15' }, rounds: { type: 'string', default: '3' } } });
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);

/** The child: one worker (with or without the delay monitor), then per-thread CPU over the window. */
const CHILD = `
const { Worker } = require('node:worker_threads');
const { readFileSync, readdirSync } = require('node:fs');
const eld = process.argv[1] === 'eld';
new Worker(\`
  const { monitorEventLoopDelay } = require('node:perf_hooks');
  if (\${eld}) { globalThis.histogram = monitorEventLoopDelay({ resolution: 10 }); globalThis.histogram.enable(); }
  setInterval(() => {}, 1000);
\`, { eval: true });
const read = () => new Map(readdirSync('/proc/self/task').map((tid) => {
  const [runNs, , slices] = readFileSync('/proc/self/task/' + tid + '/schedstat', 'utf8').split(' ').map(Number);
  return [tid, { runNs, slices }];
}));
setTimeout(() => {
  const a = read();
  const t0 = performance.now();
  setTimeout(() => {
    const b = read();
    const sec = (performance.now() - t0) / 1000;
    const threads = [...b].map(([tid, v]) => ({ tid: Number(tid), msPerSec: (v.runNs - (a.get(tid)?.runNs ?? v.runNs)) / 1e6 / sec, wakeupsPerSec: (v.slices - (a.get(tid)?.slices ?? v.slices)) / sec }));
    process.stdout.write(JSON.stringify({ pid: process.pid, threads }));
    process.exit(0);
  }, ${SECONDS * 1000});
}, 3000);
`;

interface ThreadCost {
  tid: number;
  msPerSec: number;
  wakeupsPerSec: number;
}

function measure(variant: 'bare' | 'eld'): Promise<{ total: number; worker: ThreadCost; main: ThreadCost }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CHILD, variant], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', () => {
      try {
        const { pid, threads } = JSON.parse(out) as { pid: number; threads: ThreadCost[] };
        // The worker is the thread that wakes most: about once a second bare, about 100 times with the monitor.
        const others = threads.filter((t) => t.tid !== pid);
        const worker = others.reduce((w, t) => (t.wakeupsPerSec > w.wakeupsPerSec ? t : w));
        const main = threads.find((t) => t.tid === pid) as ThreadCost;
        resolve({ total: threads.reduce((n, t) => n + t.msPerSec, 0), worker, main });
      } catch (error) {
        reject(new Error(`the child printed no figures: ${out}`, { cause: error }));
      }
    });
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

const results: Record<'bare' | 'eld', { total: number[]; worker: number[]; wakeups: number[] }> = {
  bare: { total: [], worker: [], wakeups: [] },
  eld: { total: [], worker: [], wakeups: [] },
};
for (let r = 0; r < ROUNDS; r++) {
  for (const variant of r % 2 === 0 ? (['bare', 'eld'] as const) : (['eld', 'bare'] as const)) {
    const m = await measure(variant);
    results[variant].total.push(m.total);
    results[variant].worker.push(m.worker.msPerSec);
    results[variant].wakeups.push(m.worker.wakeupsPerSec);
    process.stdout.write(
      `round ${r + 1}, ${variant}: process ${m.total.toFixed(2)} ms/s, worker ${m.worker.msPerSec.toFixed(2)} ms/s at ${m.worker.wakeupsPerSec.toFixed(1)} wake-ups/s\n`,
    );
  }
}
process.stdout.write(
  `\n| one idle worker thread, ${SECONDS} s, medians of ${ROUNDS} | process, all threads | the worker | worker wake-ups |\n|---|---:|---:|---:|\n`,
);
for (const variant of ['bare', 'eld'] as const) {
  const label = variant === 'bare' ? 'bare (a 1 s interval)' : 'with monitorEventLoopDelay at 10 ms';
  const v = results[variant];
  process.stdout.write(`| ${label} | ${median(v.total).toFixed(2)} ms/s | ${median(v.worker).toFixed(2)} ms/s | ${median(v.wakeups).toFixed(1)}/s |\n`);
}
process.stdout.write(`\nThe monitor adds ${(median(results.eld.worker) - median(results.bare.worker)).toFixed(2)} ms/s per worker thread.\n`);
