/** `mqtt-jwt-bench run <scenario>`: load, run, write the report, print the summary. */
import type { Argv, CommandModule } from 'yargs';
import type { ProgressEvent } from '../../coordinator/progress.js';
import { runPlan } from '../../coordinator/run.js';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_WORKER } from '../../errors.js';
import { formatSummary } from '../../report/console.js';
import { writeReport } from '../../report/write.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { tlsWarnings } from '../../scenario/tls-plan.js';
import { handle } from '../errors.js';

export interface RunCommandArgs {
  scenario: string;
  reportDir: string;
  quiet: boolean;
  verbose?: boolean;
}

export const runCommandModule: CommandModule<object, RunCommandArgs> = {
  command: 'run <scenario>',
  describe: 'Run a scenario file and write a report',
  builder: (y: Argv) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario file (YAML or JSON)' })
      .option('report-dir', { type: 'string', default: 'reports', describe: 'Where the JSON report is written' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No progress on stderr' }) as unknown as Argv<RunCommandArgs>,
  handler: handle(runCommand),
};

export async function runCommand(args: RunCommandArgs): Promise<number> {
  const loaded = await loadScenarioFile(args.scenario);
  // Unsafe settings are announced even with --quiet: they change what the numbers mean.
  for (const warning of tlsWarnings(loaded.plan.tls)) process.stderr.write(`warning: ${warning}\n`);
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals === 1) {
      process.stderr.write(`\n${signal}: stopping gracefully (again to force)\n`);
      controller.abort();
    } else {
      process.stderr.write(`${signal}: forced exit\n`);
      process.exit(EXIT_INTERRUPTED);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await runPlan(loaded.plan, {
      file: args.scenario,
      signal: controller.signal,
      onProgress: args.quiet ? undefined : progressPrinter(),
    });
    let reportPath: string | undefined;
    let writeError: Error | undefined;
    try {
      reportPath = await writeReport(result, args.reportDir);
    } catch (error) {
      writeError = error as Error;
    }
    process.stdout.write(`${formatSummary(result)}\n`);
    if (reportPath !== undefined) process.stdout.write(`\nreport: ${reportPath}\n`);
    if (writeError !== undefined) throw writeError;
    return result.status === 'complete' ? EXIT_OK : result.status === 'interrupted' ? EXIT_INTERRUPTED : EXIT_WORKER;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Progress on stderr: on a terminal a line a second; in logs and pipes one every 5 s. */
function progressPrinter(): (event: ProgressEvent) => void {
  const tickEveryMs = process.stderr.isTTY ? 1000 : 5000;
  let lastTickMs = -Infinity;
  return (event) => {
    switch (event.type) {
      case 'phase':
        process.stderr.write(`${event.message}\n`);
        break;
      case 'stage':
        process.stderr.write(`stage ${event.index + 1}/${event.count}: ${event.stageType}\n`);
        break;
      case 'tick':
        if (event.elapsedMs - lastTickMs < tickEveryMs - 100) return;
        lastTickMs = event.elapsedMs;
        process.stderr.write(
          `  ${(event.elapsedMs / 1000).toFixed(0).padStart(4)}s  connected ${event.connected}  published ${event.published}  acked ${event.acked}  errors ${event.errors}\n`,
        );
        break;
    }
  };
}
