/**
 * The harness as a user runs it: `mqtt-jwt-bench run` as a child process, read from /proc while
 * it runs. A sample (RSS, CPU) is taken as each stage starts (from `--progress json`), and one
 * more `settleMs` after the stage named in `sampleAfter` starts; the report is read at the end.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../src/report/run-result.js';
import { procTreeStat } from './proc-stat.js';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

export interface Sample {
  rssBytes: number;
  cpuSec: number;
}

export interface HarnessRun {
  result: RunResult;
  /** By stage index: taken as the stage started. */
  atStage: Sample[];
  /** Taken settleMs after stage `sampleAfter` started. */
  settled: Sample | undefined;
}

export async function runHarness(scenarioYaml: string, options: { args?: string[]; sampleAfter?: number; settleMs?: number } = {}): Promise<HarnessRun> {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-harness-'));
  try {
    writeFileSync(join(dir, 'bench.yaml'), scenarioYaml);
    const child = spawn(process.execPath, [CLI, 'run', join(dir, 'bench.yaml'), '--report-dir', dir, '--no-html', '--progress', 'json', ...(options.args ?? [])], { stdio: ['ignore', 'ignore', 'pipe'] });
    const atStage: Sample[] = [];
    let settled: Sample | undefined;
    const sample = (): Sample => procTreeStat(child.pid as number);
    let buffered = '';
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        const event = JSON.parse(line) as { type: string; index?: number };
        if (event.type !== 'stage' || event.index === undefined) continue;
        atStage[event.index] = sample();
        if (event.index === options.sampleAfter) setTimeout(() => (settled = sample()), options.settleMs ?? 3000);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const report = readdirSync(dir).find((f) => f.endsWith('.json'));
    if (code !== 0 || report === undefined) throw new Error(`run exited ${code}: ${stderr.slice(-2000)}`);
    return { result: JSON.parse(readFileSync(join(dir, report), 'utf8')) as RunResult, atStage, settled };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
