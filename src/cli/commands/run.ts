/** `mqtt-jwt-bench run [scenario]`: load (a file, or quick-mode flags), run, write the report, print the summary. */
import type { Argv, CommandModule } from 'yargs';
import { runProcesses } from '../../coordinator/processes.js';
import { runPlan } from '../../coordinator/run.js';
import { ConfigError, EXIT_INTERRUPTED, EXIT_OK } from '../../errors.js';
import { formatSummary } from '../../report/render/console.js';
import { writeHtmlBeside, writeReport } from '../../report/model/write.js';
import { tlsWarnings } from '../../scenario/tls-plan.js';
import { planWarnings } from '../../scenario/plan-warnings.js';
import { handle } from '../errors.js';
import { progressListener } from '../progress/index.js';
import type { ProgressListener } from '../../coordinator/progress.js';
import type { WorkerFaults } from '../../worker/faults.js';
import { runExitCode } from '../../report/judge/exit-code.js';
import { runOutput, type RunOutput } from '../run-output.js';
import { assertThresholdsJudgeable } from '../../report/judge/threshold-check.js';
import { overridesOf, withScenarioFlags, type ScenarioFlags } from '../scenario-options.js';
import { maxLateFrom, shardFrom, startAtFrom } from '../shard-args.js';
import { checkRunId, newRunId } from '../../coordinator/run-id.js';
import { thresholdsFromArgs } from '../threshold-args.js';
import { loadRunScenario, printedScenario, withQuickFlags, writeQuickScenario, type QuickModeArgs } from '../quick-mode.js';
import { join } from 'node:path';
import { htmlTarget, type HtmlFlag } from '../html-flag.js';
import { withRunEpilogue } from '../run-help.js';
import { paintOf } from '../colour.js';
import { colourSummary } from '../summary-colour.js';

export interface RunCommandArgs extends ScenarioFlags, QuickModeArgs {
  scenario?: string;
  reportDir: string;
  quiet: boolean;
  progress: string;
  html: HtmlFlag;
  threshold?: string[];
  shard?: string;
  startAt?: string;
  runId?: string;
  maxLate?: string;
  jsonLine: boolean;
  processes: number;
  metricsPort?: number;
  metricsHost: string;
  verbose?: boolean;
}

/**
 * What only the harness's own tests give `run` (test/support/faulty-cli.ts), never a flag or an
 * environment variable: faults for the workers, and the script (with its first arguments) that
 * `--processes` starts for each shard instead of main.js, so that the shards get the faults too.
 */
export interface RunInternals {
  faults?: WorkerFaults;
  shardEntry?: readonly string[];
}

export function runCommandModuleWith(internals: RunInternals): CommandModule<object, RunCommandArgs> {
  return {
    command: 'run [scenario]',
    describe: 'Run a scenario file (or a quick scenario from flags) and write a report',
    builder: (y: Argv) =>
      withRunEpilogue(withQuickFlags(withScenarioFlags(y)))
        .positional('scenario', { type: 'string', describe: 'Scenario file (YAML or JSON); leave out for a quick run from --devices' })
        .option('report-dir', { type: 'string', default: 'reports', describe: 'Where the JSON report is written' })
        .option('quiet', { type: 'boolean', default: false, describe: 'No progress on stderr' })
        .option('progress', {
          type: 'string',
          default: 'auto',
          describe:
            'auto (live view on a terminal, a line every 5 s otherwise), live, lines, json (NDJSON on stderr, ending with a done event naming the reports) or none',
        })
        .option('html', {
          type: 'string',
          describe: 'Write the HTML report: beside the JSON (the default, or --html with no FILE), or to FILE; --no-html: none',
        })
        .option('threshold', { type: 'string', array: true, describe: "A threshold like 'connect.p(99)<250ms' (repeatable); any crossed: exit 99" })
        .option('shard', { type: 'string', describe: 'Run slice i of N (0-based), e.g. 0/3; default from JOB_COMPLETION_INDEX and MQTT_JWT_BENCH_SHARDS' })
        .option('start-at', { type: 'string', describe: 'Begin the first stage at this moment: an ISO time, or +30s from now' })
        .option('run-id', {
          type: 'string',
          describe: 'The id of the run this shard belongs to: the same for every shard (default: made up; a shard with --start-at derives it from that moment)',
        })
        .option('max-late', { type: 'string', describe: 'With --start-at: a shard ready later than this after it does not run (failed, exit 5), e.g. 10s' })
        .option('metrics-port', { type: 'number', describe: 'Serve live Prometheus metrics on this port during the run (0: any free port)' })
        .option('metrics-host', { type: 'string', default: '127.0.0.1', describe: 'Address the metrics endpoint listens on' })
        .option('processes', {
          type: 'number',
          default: 1,
          describe: 'Run N local shard processes (each its own file-descriptor budget) and merge their reports',
        })
        .option('json-line', {
          type: 'boolean',
          default: false,
          describe: 'Print the whole report as one JSON line on stdout, and nothing else there (the summary goes to stderr; none with --quiet)',
        }) as unknown as Argv<RunCommandArgs>,
    handler: handle((args: RunCommandArgs) => runCommand(args, internals)),
  };
}

export async function runCommand(args: RunCommandArgs, internals: RunInternals = {}): Promise<number> {
  const output = runOutput(args);
  try {
    return await runAndReport(args, output, internals);
  } catch (error) {
    // In NDJSON mode an error is one more event, so stderr stays JSON from start to end.
    if (output.json) return output.error(error);
    throw error;
  }
}

async function runAndReport(args: RunCommandArgs, output: RunOutput, internals: RunInternals): Promise<number> {
  const loaded = await loadRunScenario(args);
  if (args.printScenario) {
    process.stdout.write(printedScenario(args));
    return EXIT_OK;
  }
  const thresholds = thresholdsFromArgs(args.threshold);
  assertThresholdsJudgeable(loaded.plan, thresholds, loaded.file);
  const shard = shardFrom(args.shard, process.env);
  const startAtMs = startAtFrom(args.startAt, Date.now());
  const runId = args.runId === undefined ? undefined : checkRunId(args.runId);
  const maxLateMs = maxLateFrom(args.maxLate, startAtMs);
  const printer = progressListener(args.progress, args.quiet);
  // prom-client is loaded only when the endpoint is asked for.
  const prometheus = args.metricsPort === undefined ? undefined : await import('../prometheus.js');
  const metrics =
    args.metricsPort === undefined ? undefined : await prometheus?.startMetricsEndpoint(args.metricsHost, args.metricsPort, loaded.plan.scenarioName);
  if (metrics !== undefined) output.emit({ type: 'metrics', url: metrics.url });
  const progress = fanOut(printer, metrics?.listener);
  // Unsafe settings are announced even with --quiet: they change what the numbers mean.
  for (const warning of [...tlsWarnings(loaded.plan.tls), ...planWarnings(loaded.plan)]) output.emit({ type: 'warning', message: warning });
  const controller = new AbortController();
  let signals = 0;
  const force = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals === 1) {
      output.emit({ type: 'signal', signal, count: 1, message: `\n${signal}: stopping gracefully (again to force)` });
      controller.abort();
    } else if (signals === 2) {
      output.emit({
        type: 'signal',
        signal,
        count: 2,
        message: `${signal}: forcing: not waiting for the workers; writing what arrived (again to exit at once)`,
      });
      force.abort();
    } else {
      output.emit({ type: 'signal', signal, count: signals, message: `${signal}: exit without a report` });
      process.exit(EXIT_INTERRUPTED);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (!Number.isInteger(args.processes) || args.processes < 1 || args.processes > 64)
      throw new ConfigError(`--processes: expected a whole number from 1 to 64 (got ${args.processes})`);
    if (args.processes > 1 && (shard !== undefined || startAtMs !== undefined))
      throw new ConfigError('--processes runs its own shards: it does not go with --shard or --start-at');
    const processesRunId = runId ?? newRunId(Date.now());
    const result =
      args.processes > 1
        ? await runProcesses(loaded.plan, {
            // Each shard process reads a file: a quick run's is written beside its shards' reports.
            file: args.scenario === undefined ? await writeQuickScenario(args, join(args.reportDir, processesRunId, 'quick.yaml')) : loaded.file,
            processes: args.processes,
            workersNamed: loaded.scenario.workers !== undefined,
            sets: overridesOf(args),
            thresholds: args.threshold ?? [],
            reportDir: args.reportDir,
            runId: processesRunId,
            signal: controller.signal,
            ...(progress === undefined ? {} : { onProgress: progress }),
            ...(internals.shardEntry === undefined ? {} : { shardEntry: internals.shardEntry }),
          })
        : await runPlan(loaded.plan, {
            file: loaded.file,
            signal: controller.signal,
            force: force.signal,
            onProgress: progress,
            thresholds,
            ...(shard === undefined ? {} : { shard }),
            ...(startAtMs === undefined ? {} : { startAtMs }),
            ...(runId === undefined ? {} : { runId }),
            ...(maxLateMs === undefined ? {} : { maxLateMs }),
            ...(internals.faults === undefined ? {} : { faults: internals.faults }),
          });
    const written: string[] = [];
    let writeError: Error | undefined;
    try {
      const jsonPath = await writeReport(result, args.reportDir);
      written.push(jsonPath);
      const html = htmlTarget(args.html, true);
      if (html !== undefined) written.push(await writeHtmlBeside(result, jsonPath, html === 'beside' ? undefined : html));
    } catch (error) {
      writeError = error as Error;
    }
    printer?.finish?.();
    // The summary goes to stdout, or to stderr when --json-line keeps stdout for the report.
    const summary = colourSummary(formatSummary(result), paintOf(args.jsonLine ? process.stderr : process.stdout));
    output.finish(summary, written, JSON.stringify(result));
    if (writeError !== undefined) throw writeError;
    const exitCode = runExitCode(result, signals > 0);
    output.emit({ type: 'done', status: result.status, exitCode, reports: written });
    return exitCode;
  } finally {
    printer?.finish?.();
    await metrics?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function fanOut(...listeners: (ProgressListener | undefined)[]): ProgressListener | undefined {
  const present = listeners.filter((l): l is ProgressListener => l !== undefined);
  if (present.length <= 1) return present[0];
  return (event) => present.forEach((l) => l(event));
}
