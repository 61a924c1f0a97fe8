/**
 * `run --processes N`: one machine, N shard processes (each with its own worker threads and its
 * own 20,000 file descriptors), one report. The parent prepares what every shard shares (the
 * per-device keys, and the embedded broker with every device registered), starts the shards with
 * a common --start-at, and merges their reports.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, EXIT_INTERRUPTED, EXIT_NOT_RUN, WorkerError } from '../errors.js';
import { estimateSignMs } from '../identity/costs.js';
import { mergeResults } from '../report/merge/merge.js';
import { readRunResult } from '../report/model/read.js';
import { brokerMetricsOf, type RunResult } from '../report/model/run-result.js';
import { deviceId, totalDevices } from '../scenario/plan.js';
import type { RunPlan } from '../scenario/run-plan.js';
import { deviceRecords, resolveCredentials } from './credentials.js';
import { generateKeystore } from './keygen.js';
import { readMachineFacts } from './machine-facts.js';
import { planFit } from './plan-fit.js';
import type { ProgressListener } from './progress.js';

export interface ProcessesOptions {
  file: string;
  processes: number;
  /** `--set` overrides, passed on to every shard. */
  sets: readonly string[];
  /** `--threshold` flags, passed on to every shard, which records them unjudged: they are judged once, on the merged whole. */
  thresholds: readonly string[];
  /** The report folder; the shards write theirs into `<reportDir>/<runId>/`. */
  reportDir: string;
  /** The run's id, given to every shard. */
  runId: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** The script (with its first arguments) each shard process runs; default the CLI's main.js. Only the harness's tests change it. */
  shardEntry?: readonly string[];
  /** The scenario names `workers` (after `--set`): every shard runs that many; else the machine's cores are shared out (`workersPerShard`). */
  workersNamed: boolean;
}

/**
 * Worker threads per shard when the scenario leaves `workers` out: the machine's cores shared
 * among the shards, at least one each. A shard process alone would take one per core, so six
 * shards on two cores would run twelve event loops (and twelve V8 heaps) for two cores' work.
 */
export function workersPerShard(cores: number, processes: number): number {
  return Math.max(1, Math.floor(cores / processes));
}

const MAIN_JS = new URL('../cli/main.js', import.meta.url);

/**
 * V8 flags for every shard process. A shard's main thread only coordinates (snapshots, ticks), yet
 * V8 grows its young generation to the default 16 MB semi-spaces during preparation and keeps them:
 * 2 MB semi-spaces hold 16,667 devices in about 45 MB less per shard (the worker's own young
 * generation is set by WORKER_YOUNG_GENERATION_MB): over the six shards of 100,000 devices, RSS
 * 1,416 → 1,219–1,251 MiB summed, 941 MiB PSS (docs/benchmarks.md, "Issue 27").
 */
const SHARD_NODE_FLAGS = ['--max-semi-space-size=2'];

export async function runProcesses(plan: RunPlan, options: ProcessesOptions): Promise<RunResult> {
  if (plan.broker.kind === 'embedded' && plan.embedded.tls)
    throw new ConfigError('--processes: an embedded broker with embedded.tls is not supported across processes yet; use one process, or a TLS broker URL');
  // Every shard process on this one machine: descriptors per process, ports for the machine.
  const fit = planFit(plan, { processes: options.processes }, await readMachineFacts());
  if (fit.problems.length > 0)
    throw new ConfigError(`preflight: ${fit.problems.join('\npreflight: ')}`, { hint: 'docs/scaling.md explains the limits and how to size a run.' });
  await generateMissingKeys(plan, options.onProgress);
  const broker = plan.broker.kind === 'embedded' ? await (await import('./embedded-broker.js')).startEmbeddedBroker(plan) : undefined;
  try {
    if (broker !== undefined) await broker.register(deviceRecords(plan, await Promise.all(plan.groups.map((g) => resolveCredentials(g)))));
    const workers = options.workersNamed ? plan.workers : workersPerShard(availableParallelism(), options.processes);
    const devicesPerProcess = totalDevices(plan) / options.processes;
    const prepareMs = plan.groups.reduce((ms, g) => ms + estimateSignMs(g.alg, g.count / options.processes, workers), 0);
    const startAtMs = Date.now() + 3000 + 2 * prepareMs + devicesPerProcess / 20;
    options.onProgress?.({ type: 'phase', message: `${options.processes} shard processes, first stage at ${new Date(startAtMs).toISOString()}` });
    await mkdir(join(options.reportDir, options.runId), { recursive: true });
    const brokerArgs = broker === undefined ? [] : ['--broker', broker.target.url];
    const workerArgs = options.workersNamed ? [] : ['--set', `workers=${workers}`];
    const exits = await Promise.all(
      Array.from({ length: options.processes }, (_, i) =>
        runShard(i, options, [...brokerArgs, ...workerArgs, '--start-at', new Date(startAtMs).toISOString()]),
      ),
    );
    const brokerMetrics = await broker?.close();
    const merged = withCrashedShards(await mergeShardReports(options, exits), exits);
    merged.scenario = { ...merged.scenario, plan: { ...plan, workers } };
    if (broker !== undefined) {
      merged.broker = { kind: 'embedded', url: broker.target.url, ...(brokerMetrics === undefined ? {} : { metrics: brokerMetricsOf(brokerMetrics) }) };
    }
    return merged;
  } finally {
    await broker?.close();
  }
}

/** Per-device keys every shard would otherwise generate on its own: made once, here, in parallel. */
async function generateMissingKeys(plan: RunPlan, onProgress: ProgressListener | undefined): Promise<void> {
  for (const group of plan.groups) {
    if (group.keys.mode !== 'per-device') continue;
    const ids = Array.from({ length: group.count }, (_, i) => deviceId(group, i));
    await generateKeystore({
      path: group.keys.storePath,
      alg: group.alg,
      rsaBits: group.rsaBits,
      deviceIds: ids,
      workers: availableParallelism(),
      ...(onProgress === undefined ? {} : { onProgress }),
    });
  }
}

interface ShardExit {
  index: number;
  code: number | null;
  lastError: string;
}

function runShard(index: number, options: ProcessesOptions, extra: string[]): Promise<ShardExit> {
  const args = [
    ...(options.shardEntry ?? [fileURLToPath(MAIN_JS)]),
    'run',
    options.file,
    ...options.sets.flatMap((s) => ['--set', s]),
    // The shard processes share this machine's clock: nothing to measure between them.
    '--set',
    'clock.probe=false',
    ...options.thresholds.flatMap((t) => ['--threshold', t]),
    '--shard',
    `${index}/${options.processes}`,
    '--report-dir',
    options.reportDir,
    '--run-id',
    options.runId,
    '--quiet',
    '--no-html',
    ...extra,
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...SHARD_NODE_FLAGS, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const stop = (): void => void child.kill('SIGINT');
    options.signal?.addEventListener('abort', stop, { once: true });
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', stop);
      const lastError =
        stderr
          .split('\n')
          .filter((l) => l.startsWith('error:'))
          .pop() ?? '';
      options.onProgress?.({ type: 'phase', message: `shard ${index}/${options.processes} exited ${String(code)}${lastError ? `: ${lastError}` : ''}` });
      resolve({ index, code, lastError });
    });
  });
}

/** A shard process that crashed without a report makes the run `failed` (exit 4), not merely short. */
function withCrashedShards(merged: RunResult, exits: readonly ShardExit[]): RunResult {
  const present = merged.shards?.present ?? [];
  const crashed = exits.filter((e) => !present.includes(e.index) && e.code !== 0 && e.code !== EXIT_NOT_RUN && e.code !== EXIT_INTERRUPTED);
  if (crashed.length === 0 || (merged.status === 'failed' && merged.planShare?.notRun === undefined)) return merged;
  const reason = crashed
    .map((e) => `shard ${e.index} exited ${e.code ?? 'on a signal'}${e.lastError === '' ? '' : ` (${e.lastError.replace(/^error: /, '')})`}`)
    .join('; ');
  const share = merged.planShare === undefined ? undefined : { ...merged.planShare };
  if (share !== undefined) delete share.notRun;
  return { ...merged, status: 'failed', statusReason: reason, ...(share === undefined ? {} : { planShare: share }) };
}

async function mergeShardReports(options: ProcessesOptions, exits: ShardExit[]): Promise<RunResult> {
  const runDir = join(options.reportDir, options.runId);
  const files = (await readdir(runDir)).filter((f) => new RegExp(`-shard-\\d+-of-${options.processes}\\.json$`).test(f));
  if (files.length === 0) {
    const reason =
      exits.find((e) => e.lastError !== '')?.lastError.replace(/^error: /, '') ??
      `every shard exited without a report (codes ${exits.map((e) => e.code).join(', ')})`;
    throw exits.every((e) => e.code === 2) ? new ConfigError(reason) : new WorkerError(`--processes: ${reason}`);
  }
  const inputs = await Promise.all(files.map(async (f) => ({ file: join(runDir, f), result: await readRunResult(join(runDir, f)) })));
  return mergeResults(inputs);
}
