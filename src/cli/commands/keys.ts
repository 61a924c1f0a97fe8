/** `mqtt-jwt-bench keys generate|export`: fleets of device keys for tests and for registration. */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { generateKeystore } from '../../coordinator/keygen.js';
import { ConfigError, EXIT_INTERRUPTED, EXIT_OK } from '../../errors.js';
import { ALGORITHMS, isAlgorithm, type Algorithm } from '../../identity/algorithms.js';
import { devicesFromKeysDir } from '../../broker/device-sources.js';
import { loadKeystore } from '../../identity/keystore.js';
import { formatJwks } from '../../identity/jwks.js';
import { DEFAULT_RESOURCE_SERVER_ID, formatRabbitmqAdvancedConfig } from '../../identity/rabbitmq-config.js';
import { formatRegistry, type DeviceRecord } from '../../identity/registry-file.js';
import { writeTextFile } from '../../report/model/write.js';
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
  if (!args.idPattern.includes('{index') && args.count > 1)
    throw new ConfigError(`--id-pattern: must contain {index} to give ${args.count} devices distinct ids`);
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

const EXPORT_FORMATS = ['csv', 'json', 'jwks', 'rabbitmq'] as const;
type ExportFormat = (typeof EXPORT_FORMATS)[number];
const isExportFormat = (format: string): format is ExportFormat => EXPORT_FORMATS.some((f) => f === format);

interface ExportArgs {
  keys: string;
  format: string;
  resourceServerId: string;
  output?: string;
  verbose?: boolean;
}

/** Every device of a keystore file, or of every keystore in a folder (a fleet's shards too). */
async function exportKeys(args: ExportArgs): Promise<number> {
  const format = args.format;
  if (!isExportFormat(format)) throw new ConfigError(`--format: expected ${EXPORT_FORMATS.join(', ')} (got "${format}")`);
  const isFile = (await stat(args.keys).catch(() => undefined))?.isFile() === true;
  const records: DeviceRecord[] = [];
  if (isFile) {
    const keystore = await loadKeystore(args.keys);
    for (const [deviceId, entry] of Object.entries(keystore.devices)) records.push({ deviceId, alg: keystore.alg, kid: entry.kid, publicKey: entry.publicKey });
  } else {
    records.push(...(await devicesFromKeysDir(args.keys, format === 'jwks' || format === 'rabbitmq')));
  }
  records.sort((a, b) => a.deviceId.localeCompare(b.deviceId));
  const text = exportText(records, format, args.resourceServerId);
  if (args.output === undefined) process.stdout.write(text);
  else {
    await writeTextFile(args.output, text);
    process.stderr.write(`wrote ${args.output}: ${records.length} devices (${format})\n`);
  }
  return EXIT_OK;
}

function exportText(records: DeviceRecord[], format: ExportFormat, resourceServerId: string): string {
  if (format === 'jwks') return formatJwks(records);
  if (format === 'rabbitmq') return formatRabbitmqAdvancedConfig(records, resourceServerId);
  return formatRegistry(records, format);
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
        handler: handle(generate as (args: unknown) => Promise<number>),
      })
      .command({
        command: 'export',
        describe: "Write deviceId, alg, kid and public key of every device, for a platform's bulk registration",
        builder: (e: Argv) =>
          e
            .option('keys', {
              type: 'string',
              demandOption: true,
              describe: 'A keystore file, or a folder of them (keys/<scenario>/, shard keystores included)',
            })
            .option('format', {
              type: 'string',
              default: 'csv',
              describe:
                'csv (RFC 4180, header deviceId,alg,kid,publicKey), json, jwks (an RFC 7517 JWK Set, kid = fingerprint) or rabbitmq (advanced.config signing_keys)',
            })
            .option('resource-server-id', {
              type: 'string',
              default: DEFAULT_RESOURCE_SERVER_ID,
              describe: "With --format rabbitmq: the resource_server_id, which is the tokens' aud",
            })
            .option('output', { alias: 'o', type: 'string', describe: 'Write to this file instead of stdout' }),
        handler: handle(exportKeys as (args: unknown) => Promise<number>),
      })
      .demandCommand(1, 'name an action: generate, export'),
  handler: () => {},
};
