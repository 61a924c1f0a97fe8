/**
 * The CLI: yargs commands, argv, printing and exit codes. Each command lives in commands/; main.ts
 * is the executable that calls `cliMain` with the process's argv. `internals` are for the
 * harness's own tests only (test/support/faulty-cli.ts): no flag or environment variable sets them.
 */
import yargs, { type CommandModule } from 'yargs';
import { harnessVersion } from '../coordinator/environment.js';
import { EXIT_CONFIG } from '../errors.js';
import { printError } from './errors.js';
import { withHelp } from './examples.js';
import type { RunInternals } from './commands/run.js';
import { unknownArgumentHint } from './did-you-mean.js';

const HELP_WIDTH = 100;
type AnyCommand = CommandModule<object, never>;

/** yargs takes commands of any argument type; each module's own type is checked where it is declared. */
function anyCommand<T>(command: CommandModule<object, T>): AnyCommand {
  return command as unknown as AnyCommand;
}

/**
 * One line per command family, each loaded only when asked for: a `run` does not load the
 * embedded broker's Aedes, the HTML renderer or the sign bench (src/cli/commands/*), so the
 * process starts small. Help without a command, or an unknown one, loads them all.
 */
const commandLoaders = (internals: RunInternals): Record<string, () => Promise<AnyCommand>> => ({
  run: async () => anyCommand((await import('./commands/run.js')).runCommandModuleWith(internals)),
  init: async () => anyCommand((await import('./commands/init.js')).initCommandModule),
  validate: async () => anyCommand((await import('./commands/validate.js')).validateCommandModule),
  report: async () => anyCommand((await import('./commands/report.js')).reportCommandModule),
  compare: async () => anyCommand((await import('./commands/compare.js')).compareCommandModule),
  merge: async () => anyCommand((await import('./commands/merge.js')).mergeCommandModule),
  schema: async () => anyCommand((await import('./commands/schema.js')).schemaCommandModule),
  keys: async () => anyCommand((await import('./commands/keys.js')).keysCommandModule),
  token: async () => anyCommand((await import('./commands/token.js')).tokenCommandModule),
  broker: async () => anyCommand((await import('./commands/broker.js')).brokerCommandModule),
  'sign-bench': async () => anyCommand((await import('./commands/sign-bench.js')).signBenchCommandModule),
});

export async function cliMain(argv: string[], internals: RunInternals = {}): Promise<void> {
  const verbose = argv.includes('--verbose');
  const loaders = commandLoaders(internals);
  const commandName = argv.find((arg) => !arg.startsWith('-')) ?? '';
  const named = loaders[commandName];
  const commands: AnyCommand[] = named === undefined ? await Promise.all(Object.values(loaders).map((load) => load())) : [await named()];

  const cli = yargs(argv);
  /** The flags yargs knows when it fails (the command's own among them); not in yargs' published types. */
  const knownFlags = (): string[] => Object.keys((cli as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key);
  await cli
    .scriptName('mqtt-jwt-bench')
    .usage('$0 <command> [options]\n\nLoad-test MQTT brokers whose devices log in with JSON Web Tokens.')
    .option('verbose', { type: 'boolean', default: false, describe: 'Print stack traces with errors' })
    .command(commands.map(withHelp))
    .demandCommand(1, 'name a command')
    .strict()
    .fail((message, error) => {
      // yargs types `error` as an Error, but passes none when the failure is its own (a bad flag).
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      if (error !== undefined && error !== null) {
        process.exitCode = printError(error, verbose);
        return;
      }
      const hint = unknownArgumentHint(message, Object.keys(loaders), knownFlags());
      process.stderr.write(`error: ${message}${hint}\nhint: mqtt-jwt-bench ${named === undefined ? '' : `${commandName} `}--help\n`);
      process.exit(EXIT_CONFIG);
    })
    .example('$0 run --devices 100 --duration 10s', 'A first run: 100 devices against the embedded broker, no file needed')
    .example('$0 init && $0 run scenario.yaml', 'Write a commented starter scenario, then run it')
    .epilogue('Every command has --help with examples. Commands: docs/cli.md · scenarios: docs/scenarios.md · reports: docs/report-format.md')
    // One width (narrower only on a narrower terminal): cliui glues a description that fills its
    // last line to its [type] with no space, so the texts are checked at this width (test/e2e/cli-help.test.ts).
    // `columns` is undefined when stdout is not a terminal, whatever @types/node says.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    .wrap(Math.min(HELP_WIDTH, process.stdout.columns ?? HELP_WIDTH))
    .help()
    // yargs alone reads the package.json of the folder above its own node_modules: installed as a
    // dependency, that is the user's project, not ours (it printed "unknown").
    .version(harnessVersion())
    .parseAsync();
}
