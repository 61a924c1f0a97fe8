/** `mqtt-jwt-bench init [file]`: write a commented starter scenario; never over an existing file without --force. */
import { writeFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { ConfigError, EXIT_OK, errorCode, errorMessage } from '../../errors.js';
import { starterScenario } from '../../scenario/starter.js';
import { parseScenario } from '../../scenario/load.js';
import { handle } from '../errors.js';

export interface InitCommandArgs {
  file: string;
  broker: string;
  alg: string;
  force: boolean;
  verbose?: boolean;
}

export const initCommandModule: CommandModule<object, InitCommandArgs> = {
  command: 'init [file]',
  describe: 'Write a commented starter scenario to edit and run',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', default: 'scenario.yaml', describe: 'Where to write it' })
      .option('broker', { type: 'string', default: 'embedded', describe: 'embedded, or the broker URL: mqtt[s]://host:port, ws[s]://host:port/path' })
      .option('alg', { type: 'string', default: 'ES256', describe: "The devices' JWT algorithm: ES256, RS256, PS256, ES384, ES512, RS384, RS512, EdDSA" })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite the file if it exists' }),
  handler: handle(initCommand),
};

export async function initCommand(args: InitCommandArgs): Promise<number> {
  const path = resolve(args.file);
  const name =
    basename(path, extname(path))
      .replace(/[^A-Za-z0-9_.-]/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '') || 'scenario';
  const text = starterScenario({ broker: args.broker, alg: args.alg, name }, dirname(path));
  // The starter is checked like any file before it is written, so --broker and --alg are too.
  try {
    parseScenario(text, args.file, { env: {} });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const flagOf = (line: string): string => line.replace(/^\S+ groups\.0\.alg:/, '--alg:').replace(/^\S+ broker:/, '--broker:');
    throw new ConfigError(error.message.split('\n').map(flagOf).join('\n'), { cause: error });
  }
  try {
    await writeFile(path, text, { flag: args.force ? 'w' : 'wx' });
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') throw new ConfigError(`${args.file}: exists; not overwritten`, { hint: 'choose another name, or add --force' });
    throw new ConfigError(`${args.file}: cannot write: ${code ?? errorMessage(error)}`, { cause: error });
  }
  process.stdout.write(`wrote ${args.file}\nnext: mqtt-jwt-bench validate ${args.file}   then: mqtt-jwt-bench run ${args.file}\n`);
  return EXIT_OK;
}
