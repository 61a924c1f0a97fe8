#!/usr/bin/env node
/** The CLI: yargs commands, argv, printing and exit codes. Each command lives in commands/. */
import yargs, { type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { EXIT_CONFIG } from '../errors.js';
import { initCommandModule } from './commands/init.js';
import { keysCommandModule } from './commands/keys.js';
import { compareCommandModule } from './commands/compare.js';
import { mergeCommandModule } from './commands/merge.js';
import { reportCommandModule } from './commands/report.js';
import { brokerCommandModule } from './commands/broker.js';
import { runCommandModule } from './commands/run.js';
import { schemaCommandModule } from './commands/schema.js';
import { signBenchCommandModule } from './commands/sign-bench.js';
import { tokenCommandModule } from './commands/token.js';
import { validateCommandModule } from './commands/validate.js';
import { printError } from './errors.js';
import { withHelp } from './examples.js';

const HELP_WIDTH = 100;
const argv = hideBin(process.argv);
const verbose = argv.includes('--verbose');

/** One line per command family; help and usage come from yargs alone. */
const commands: CommandModule<object, never>[] = [
  runCommandModule as CommandModule<object, never>,
  initCommandModule as CommandModule<object, never>,
  validateCommandModule as CommandModule<object, never>,
  reportCommandModule as CommandModule<object, never>,
  compareCommandModule as CommandModule<object, never>,
  mergeCommandModule as CommandModule<object, never>,
  schemaCommandModule as CommandModule<object, never>,
  keysCommandModule as CommandModule<object, never>,
  tokenCommandModule as CommandModule<object, never>,
  brokerCommandModule as CommandModule<object, never>,
  signBenchCommandModule as CommandModule<object, never>,
];

await yargs(argv)
  .scriptName('mqtt-jwt-bench')
  .usage('$0 <command> [options]\n\nLoad-test MQTT brokers whose devices log in with JSON Web Tokens.')
  .option('verbose', { type: 'boolean', default: false, describe: 'Print stack traces with errors' })
  .command(commands.map(withHelp))
  .demandCommand(1, 'name a command')
  .strict()
  .fail((message, error) => {
    if (error !== undefined && error !== null) {
      process.exitCode = printError(error, verbose);
      return;
    }
    process.stderr.write(`error: ${message}\nhint: mqtt-jwt-bench --help\n`);
    process.exit(EXIT_CONFIG);
  })
  .example('$0 run --devices 100 --duration 10s', 'A first run: 100 devices against the embedded broker, no file needed')
  .example('$0 init && $0 run scenario.yaml', 'Write a commented starter scenario, then run it')
  .epilogue('Every command has --help with examples. Commands: docs/cli.md · scenarios: docs/scenarios.md · reports: docs/report-format.md')
  // One width (narrower only on a narrower terminal): cliui glues a description that fills its
  // last line to its [type] with no space, so the texts are checked at this width (test/cli/help.test.ts).
  .wrap(Math.min(HELP_WIDTH, process.stdout.columns ?? HELP_WIDTH))
  .help()
  .version()
  .parseAsync();
