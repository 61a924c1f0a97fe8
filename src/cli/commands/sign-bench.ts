/** `mqtt-jwt-bench sign-bench`: what each algorithm costs to generate, sign, verify and send. */
import type { Argv, CommandModule } from 'yargs';
import { ConfigError, EXIT_OK } from '../../errors.js';
import type { Algorithm } from '../../identity/algorithms.js';
import { writeTextFile } from '../../report/model/write.js';
import { DURATION_EXAMPLE, parseDurationMs } from '../../scenario/units.js';
import { runSignBench, type SignBenchOptions } from '../../sign-bench/run-sign-bench.js';
import { formatSignBench } from '../../sign-bench/sign-bench-console.js';
import { renderSignBenchHtml } from '../../sign-bench/sign-bench-html.js';
import type { ArgsOf, FlagsOf } from '../command-args.js';
import { handle } from '../errors.js';
import { checkAlgorithm } from './keys.js';

const builder = (y: Argv) =>
  y
    .option('algs', { type: 'string', default: 'RS256,PS256,ES256,ES384,ES512,EdDSA', describe: 'Algorithms, comma-separated' })
    .option('rsa-bits', { type: 'string', default: '2048', describe: 'RSA key sizes, comma-separated (2048, 3072, 4096)' })
    .option('workers', { type: 'string', default: '1,2', describe: 'Worker-thread counts to sign on, comma-separated' })
    .option('duration', { type: 'string', default: '5s', describe: 'How long each figure is measured' })
    .option('json', { type: 'string', describe: 'Write the result as JSON to FILE (docs/sign-bench.md)' })
    .option('html', { type: 'string', describe: 'Write the result as an HTML page to FILE' })
    .option('openssl', {
      type: 'boolean',
      default: true,
      describe: 'Run openssl speed for the same primitives when openssl is on the PATH (--no-openssl: do not)',
    })
    .option('quiet', { type: 'boolean', default: false, describe: 'No progress on stderr' });

export type SignBenchArgs = ArgsOf<typeof builder>;

const RSA_BITS = [2048, 3072, 4096];
/** A figure longer than this is a typo, not a measurement. */
const MAX_DURATION_MS = 10 * 60_000;

function list(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function integers(text: string, flag: string, allowed: (n: number) => boolean, expectation: string): number[] {
  const values = list(text).map(Number);
  if (values.length === 0 || values.some((n) => !Number.isInteger(n) || !allowed(n))) throw new ConfigError(`${flag}: expected ${expectation} (got "${text}")`);
  return [...new Set(values)];
}

/** Checks every flag; each problem names its flag and what it expects. */
export function signBenchOptions(args: SignBenchArgs): SignBenchOptions {
  const algs = list(args.algs).map((alg): Algorithm => checkAlgorithm(alg, '--algs'));
  if (algs.length === 0) throw new ConfigError('--algs: expected a comma-separated list of algorithms, e.g. RS256,ES256');
  const durationMs = parseDurationMs(args.duration);
  if (durationMs === undefined || durationMs <= 0 || durationMs > MAX_DURATION_MS)
    throw new ConfigError(`--duration: expected ${DURATION_EXAMPLE}, at most 10m (got "${args.duration}")`);
  return {
    algs: [...new Set(algs)],
    rsaBits: integers(args.rsaBits, '--rsa-bits', (n) => RSA_BITS.includes(n), 'a comma-separated list of 2048, 3072, 4096'),
    workers: integers(args.workers, '--workers', (n) => n >= 1 && n <= 64, 'a comma-separated list of thread counts from 1 to 64, e.g. 1,2'),
    durationMs,
    openssl: args.openssl,
  };
}

async function signBench(args: SignBenchArgs): Promise<number> {
  const options = signBenchOptions(args);
  const result = await runSignBench({ ...options, onProgress: args.quiet ? undefined : (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${formatSignBench(result)}\n`);
  if (args.json !== undefined) {
    await writeTextFile(args.json, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`wrote ${args.json}\n`);
  }
  if (args.html !== undefined) {
    await writeTextFile(args.html, renderSignBenchHtml(result));
    process.stdout.write(`wrote ${args.html}\n`);
  }
  return EXIT_OK;
}

export const signBenchCommandModule: CommandModule<object, FlagsOf<typeof builder>> = {
  command: 'sign-bench',
  describe: 'Measure each algorithm: key generation, signs/s on 1…N threads, verifies/s, token and CONNECT bytes, beside openssl speed',
  builder,
  handler: handle(signBench),
};
