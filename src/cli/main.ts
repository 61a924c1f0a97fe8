#!/usr/bin/env node
/** The CLI: yargs commands, argv, printing and exit codes. Each command lives in commands/. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { EXIT_CONFIG } from '../errors.js';
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

const argv = hideBin(process.argv);
const verbose = argv.includes('--verbose');

await yargs(argv)
  .scriptName('mqtt-jwt-bench')
  .usage('$0 <command> [options]\n\nLoad-test MQTT brokers whose devices log in with JSON Web Tokens.')
  .option('verbose', { type: 'boolean', default: false, describe: 'Print stack traces with errors' })
  // One line per command family; help and usage come from yargs alone.
  .command(runCommandModule)
  .command(validateCommandModule)
  .command(reportCommandModule)
  .command(compareCommandModule)
  .command(mergeCommandModule)
  .command(schemaCommandModule)
  .command(keysCommandModule)
  .command(tokenCommandModule)
  .command(brokerCommandModule)
  .command(signBenchCommandModule)
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
  .help()
  .version()
  .parseAsync();
