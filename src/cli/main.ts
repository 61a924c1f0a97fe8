#!/usr/bin/env node
/** The CLI: yargs commands, argv, printing and exit codes. Only this layer sets process.exitCode. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { EXIT_CONFIG, EXIT_INTERNAL, HarnessError } from '../errors.js';
import { scenarioJsonSchemaText } from '../scenario/json-schema.js';
import { runCommand } from './run.js';

const argv = hideBin(process.argv);
const verbose = argv.includes('--verbose');

function report(error: unknown): number {
  if (error instanceof HarnessError) {
    process.stderr.write(`error: ${error.message}\n`);
    if (error.hint !== undefined) process.stderr.write(`hint: ${error.hint}\n`);
    if (verbose && error.stack !== undefined) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const err = error as Error;
  process.stderr.write(`error: ${err?.message ?? String(error)}\n`);
  if (verbose && err?.stack !== undefined) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('hint: run again with --verbose for the stack trace\n');
  return EXIT_INTERNAL;
}

await yargs(argv)
  .scriptName('mqtt-jwt-bench')
  .usage('$0 <command> [options]\n\nLoad-test MQTT brokers whose devices log in with JSON Web Tokens.')
  .option('verbose', { type: 'boolean', default: false, describe: 'Print stack traces with errors' })
  .command(
    'run <scenario>',
    'Run a scenario file and write a report',
    (y) =>
      y
        .positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario file (YAML or JSON)' })
        .option('report-dir', { type: 'string', default: 'reports', describe: 'Where the JSON report is written' })
        .option('quiet', { type: 'boolean', default: false, describe: 'No progress on stderr' }),
    async (args) => {
      process.exitCode = await runCommand({ scenario: args.scenario, reportDir: args.reportDir, quiet: args.quiet }).catch(report);
    },
  )
  .command('schema', 'Print the JSON Schema of the scenario format (scenarios/schema.json)', {}, () => {
    process.stdout.write(scenarioJsonSchemaText());
  })
  .demandCommand(1, 'name a command: run, schema')
  .strict()
  .fail((message, error) => {
    if (error !== undefined && error !== null) {
      process.exitCode = report(error);
      return;
    }
    process.stderr.write(`error: ${message}\nhint: mqtt-jwt-bench --help\n`);
    process.exit(EXIT_CONFIG);
  })
  .help()
  .version()
  .parseAsync();
