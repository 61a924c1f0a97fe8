/**
 * The harness as a user runs it: `mqtt-jwt-bench run` as a child process, its process tree read
 * from /proc every 100 ms. Afterwards the samples are matched to the report's stage times: one as
 * each stage started, and one `settleMs` after the stage `sampleAfter` started.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../src/report/model/run-result.js';
import { procTreePss, procTreeStat, threadCpuSec } from './proc-stat.js';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

export interface Sample {
  rssBytes: number;
  cpuSec: number;
  /** Kernel time alone (stime). */
  sysSec: number;
  /** VmHWM, the peak RSS so far (summed over the tree's processes). */
  peakRssBytes: number;
  /** CPU of the top process's main thread alone: the coordinator, without its worker threads. */
  mainThreadCpuSec: number;
}

export interface HarnessRun {
  result: RunResult;
  /** By stage index: taken as the stage started. */
  atStage: Sample[];
  /** Taken settleMs after stage `sampleAfter` started. */
  settled: Sample | undefined;
  /** The run's exit code: 0, or 6 (generator saturated or behind plan) or 99 (a threshold), which still wrote a report. */
  code: number;
  /** Every sample of the process tree, for benches that watch it over time. */
  timeline: (Sample & { atMs: number })[];
  /** The tree's PSS every `pssEveryMs` (when asked for), for the moment `settled` was taken and others. */
  pss: { atMs: number; pssBytes: number }[];
  /** The last PSS reading at or before the `settled` moment. */
  settledPssBytes: number | undefined;
}

const SAMPLE_EVERY_MS = 100;

export async function runHarness(
  scenarioYaml: string,
  options: { args?: string[]; sampleAfter?: number; settleMs?: number; sampleEveryMs?: number; pssEveryMs?: number } = {},
): Promise<HarnessRun> {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-harness-'));
  let keep = false;
  try {
    writeFileSync(join(dir, 'bench.yaml'), scenarioYaml);
    const child = spawn(
      process.execPath,
      [CLI, 'run', join(dir, 'bench.yaml'), '--report-dir', dir, '--no-html', '--progress', 'none', ...(options.args ?? [])],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    // A timeline of the whole process tree (shard processes of --processes included), read against
    // the report's stage times afterwards: the same way whether or not the run has shards.
    const timeline: (Sample & { atMs: number })[] = [];
    const timer = setInterval(() => {
      try {
        const pid = child.pid as number;
        timeline.push({ atMs: Date.now(), ...procTreeStat(pid), mainThreadCpuSec: threadCpuSec(pid, pid) });
      } catch {
        // Exited between two samples.
      }
    }, options.sampleEveryMs ?? SAMPLE_EVERY_MS);
    // smaps_rollup walks every mapping: read it seldom.
    const pss: { atMs: number; pssBytes: number }[] = [];
    const pssTimer =
      options.pssEveryMs === undefined
        ? undefined
        : setInterval(() => {
            try {
              pss.push({ atMs: Date.now(), pssBytes: procTreePss(child.pid as number) });
            } catch {
              // Exited between two samples.
            }
          }, options.pssEveryMs);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearInterval(timer);
    clearInterval(pssTimer);
    // One process: the report in `dir`; `--processes`: the merged one in the run's folder below it.
    const report =
      readdirSync(dir).find((f) => f.endsWith('.json')) ?? readdirSync(dir, { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('-merged.json'));
    // 6 and 99 are verdicts on a run that happened: the bench reports them beside its figures.
    if ((code !== 0 && code !== 6 && code !== 99) || report === undefined) {
      const failed = report === undefined ? undefined : (JSON.parse(readFileSync(join(dir, report), 'utf8')) as RunResult);
      const reason =
        failed === undefined
          ? ''
          : ` (${String(failed.statusReason)}; errors ${JSON.stringify(failed.total.errors)}; connect failures ${JSON.stringify(failed.total.connectFailures)})`;
      // Kept for a look at the shard reports: the error names the folder.
      keep = true;
      throw new Error(`run exited ${code}${reason} (reports kept in ${dir}): ${stderr.slice(-2000)}`);
    }
    const result = JSON.parse(readFileSync(join(dir, report), 'utf8')) as RunResult;
    const at = (ms: number): Sample | undefined => timeline.filter((s) => s.atMs <= ms).at(-1);
    const atStage = result.stages.map((stage) => at(Date.parse(stage.startedAt))).filter((s): s is Sample => s !== undefined);
    const after = options.sampleAfter === undefined ? undefined : result.stages[options.sampleAfter];
    const settledMs = after === undefined ? undefined : Date.parse(after.startedAt) + (options.settleMs ?? 3000);
    const settled = settledMs === undefined ? undefined : at(settledMs);
    const settledPssBytes = settledMs === undefined ? undefined : pss.filter((p) => p.atMs <= settledMs).at(-1)?.pssBytes;
    return { result, atStage, settled, code: code ?? -1, timeline, pss, settledPssBytes };
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}
