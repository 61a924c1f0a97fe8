/** `mqtt-jwt-bench keys generate|export`: fleets of device keys for tests and for registration. */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { generateKeystore } from '../../coordinator/keygen.js';
import { ConfigError, EXIT_INTERRUPTED, EXIT_OK } from '../../errors.js';
import { ALGORITHMS, isAlgorithm, type Algorithm } from '../../identity/algorithms.js';
import { renderTemplate } from '../../util/template.js';
import { handle } from '../errors.js';

interface GenerateArgs {
  alg: string;
  count: number;
  out: string;
  idPattern: string;
  rsaBits: number;
  workers: number;
  verbose?: boolean;
}

/** `--out keys/fleet-a` writes `keys/fleet-a/<alg>.json`; a path ending in .json is the file itself. */
export function keystoreFileFor(out: string, alg: Algorithm): string {
  return out.endsWith('.json') ? out : join(out, `${alg}.json`);
}

export function checkAlgorithm(alg: string, flag = '--alg'): Algorithm {
  if (!isAlgorithm(alg)) throw new ConfigError(`${flag}: unknown algorithm "${alg}" (expected one of ${ALGORITHMS.join(', ')})`);
  return alg;
}

async function generate(args: GenerateArgs): Promise<number> {
  const alg = checkAlgorithm(args.alg);
  if (!Number.isInteger(args.count) || args.count < 1) throw new ConfigError(`--count: expected a positive integer (got ${args.count})`);
  if (![2048, 3072, 4096].includes(args.rsaBits)) throw new ConfigError(`--rsa-bits: expected 2048, 3072 or 4096 (got ${args.rsaBits})`);
  if (!args.idPattern.includes('{index') && args.count > 1) throw new ConfigError(`--id-pattern: must contain {index} to give ${args.count} devices distinct ids`);
  const path = keystoreFileFor(args.out, alg);
  const deviceIds = Array.from({ length: args.count }, (_, i) => renderTemplate(args.idPattern, { index: i + 1 }));
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let lastMs = -Infinity;
  try {
    const result = await generateKeystore({
      path,
      alg,
      rsaBits: args.rsaBits,
      deviceIds,
      workers: args.workers,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.type !== 'keys' || (event.generated < event.total && event.elapsedMs - lastMs < 1000)) return;
        lastMs = event.elapsedMs;
        process.stderr.write(`  keys ${event.generated}/${event.total}\n`);
      },
    });
    const verb = result.complete ? 'wrote' : 'interrupted: saved';
    process.stdout.write(`${verb} ${path}: ${result.existing + result.generated} ${alg} devices (${result.generated} new, ${result.existing} kept)\n`);
    return result.complete ? EXIT_OK : EXIT_INTERRUPTED;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export const keysCommandModule: CommandModule = {
  command: 'keys <action>',
  describe: 'Generate or export device keys',
  builder: (y: Argv) =>
    y
      .command({
        command: 'generate',
        describe: 'Generate one key pair per device into a keystore (resumes where it stopped)',
        builder: (g: Argv) =>
          g
            .option('alg', { type: 'string', default: 'ES256', describe: `Algorithm: ${ALGORITHMS.join(', ')}` })
            .option('count', { type: 'number', demandOption: true, describe: 'Number of devices' })
            .option('out', { type: 'string', demandOption: true, describe: 'Keystore folder (writes <out>/<alg>.json) or .json file' })
            .option('id-pattern', { type: 'string', default: 'device-{index:05}', describe: 'Device ids; {index} counts from 1' })
            .option('rsa-bits', { type: 'number', default: 2048, describe: 'RSA modulus: 2048, 3072 or 4096' })
            .option('workers', { type: 'number', default: availableParallelism(), describe: 'Worker threads' }),
        handler: handle(generate as (args: unknown) => Promise<number>) as CommandModule['handler'],
      })
      .demandCommand(1, 'name an action: generate, export'),
  handler: () => {},
};
