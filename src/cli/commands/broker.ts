/**
 * `mqtt-jwt-bench broker`: the embedded broker on its own, for checking devices, tokens and
 * scenarios before pointing them at production. Runs until Ctrl-C or SIGTERM.
 */
import { readFile } from 'node:fs/promises';
import type { Argv, CommandModule } from 'yargs';
import { BROKER_DEFAULTS, DEFAULT_VERIFY_POLICY, type BrokerOptions, type TlsMaterial } from '../../broker/broker-options.js';
import { DEFAULT_CERT_DIR, ensureLocalCertificates } from '../../broker/certificates.js';
import { deviceFromPublicKeyFile, devicesFromKeysDir, devicesFromRegistryFile } from '../../broker/device-sources.js';
import { startBroker, type RunningBroker } from '../../broker/server.js';
import { BrokerError, ConfigError, EXIT_INTERRUPTED, EXIT_OK, HarnessError } from '../../errors.js';
import { ALGORITHMS } from '../../identity/algorithms.js';
import type { DeviceRecord } from '../../identity/registry-file.js';
import { MetricsTotals } from '../../metrics/snapshot.js';
import { formatBrokerStats } from '../../report/broker-stats.js';
import { parseDurationMs } from '../../scenario/units.js';
import type { ArgsOf, FlagsOf } from '../command-args.js';
import { handle } from '../errors.js';

const builder = (y: Argv) =>
  y
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
    .option('port', { type: 'number', default: 1883, describe: 'MQTT over TCP (0: a free port)' })
    .option('tls-port', { type: 'number', describe: 'Also MQTT over TLS on this port (TLS 1.2+)' })
    .option('ws-port', { type: 'number', describe: 'Also MQTT over WebSocket on this port' })
    .option('keys', { type: 'string', describe: 'Register every device of the *.json keystores in this folder' })
    .option('registry', { type: 'string', describe: 'Register the devices of a registry file (JSON or CSV, as `keys export` writes)' })
    .option('public-key', { type: 'string', describe: 'Register one device by its public key or certificate PEM (with --device)' })
    .option('device', { type: 'string', describe: 'The device id for --public-key' })
    .option('alg', { type: 'string', choices: ALGORITHMS, describe: 'The algorithm for --public-key (default: from the key)' })
    .option('audience', { type: 'string', default: DEFAULT_VERIFY_POLICY.audienceTemplate, describe: 'aud template; {deviceId} is replaced' })
    .option('cert', { type: 'string', describe: 'Server certificate PEM for --tls-port (default: a local CA makes one)' })
    .option('key', { type: 'string', describe: 'Private key PEM of --cert' })
    .option('cert-dir', { type: 'string', default: DEFAULT_CERT_DIR, describe: 'Where the local CA and server certificate are kept' })
    .option('skew', { type: 'string', default: `${DEFAULT_VERIFY_POLICY.skewSec}s`, describe: 'Allowed clock skew for exp and iat' })
    .option('max-lifetime', { type: 'string', default: `${DEFAULT_VERIFY_POLICY.maxLifetimeSec / 3600}h`, describe: 'Longest exp − iat accepted' })
    .option('require-kid', { type: 'boolean', default: DEFAULT_VERIFY_POLICY.requireKid, describe: 'Refuse tokens without kid' })
    .option('expiry-disconnect', { type: 'boolean', default: BROKER_DEFAULTS.expiryDisconnect, describe: 'Disconnect sessions whose token expired (after the skew)' })
    .option('max-qos', { type: 'number', choices: [1, 2] as const, default: BROKER_DEFAULTS.maxQos, describe: 'Highest QoS devices may publish with' })
    .option('downlink-interval', { type: 'string', describe: 'Send each connected device a timestamped downlink this often (e.g. 10s)' })
    .option('stats-interval', { type: 'string', describe: 'Print the metrics this often when they change (e.g. 5s)' })
    .conflicts('keys', ['registry', 'public-key'])
    .conflicts('registry', 'public-key')
    .implies('public-key', 'device')
    .implies('cert', 'key')
    .implies('key', 'cert');

export type BrokerCommandArgs = ArgsOf<typeof builder>;

export const brokerCommandModule: CommandModule<object, FlagsOf<typeof builder>> = {
  command: 'broker',
  describe: 'Run the embedded JWT-verifying broker on its own until Ctrl-C',
  builder,
  handler: handle(brokerCommand),
};

export async function brokerCommand(args: BrokerCommandArgs): Promise<number> {
  const devices = await loadDevices(args);
  const options = await brokerOptions(args, devices);
  const broker = await startBroker(options).catch((error: Error) => {
    if (error instanceof HarnessError) throw error;
    throw new BrokerError(`the broker could not start: ${error.message}`, { cause: error });
  });
  process.stdout.write(`${listeningLines(broker, devices.length, args).join('\n')}\n`);
  const stopStats = args.statsInterval === undefined ? undefined : printStatsEvery(broker, durationArg('stats-interval', args.statsInterval));
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stderr.write(`${signal}: shutting down (again to force)\n`);
  const force = (): never => process.exit(EXIT_INTERRUPTED);
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  stopStats?.();
  await broker.close();
  process.stdout.write(`${formatBrokerStats(totalsOf(broker))}\n`);
  return EXIT_OK;
}

async function loadDevices(args: BrokerCommandArgs): Promise<DeviceRecord[]> {
  if (args.keys !== undefined) return devicesFromKeysDir(args.keys);
  if (args.registry !== undefined) return devicesFromRegistryFile(args.registry);
  if (args.publicKey !== undefined && args.device !== undefined) return [await deviceFromPublicKeyFile(args.publicKey, args.device, args.alg)];
  throw new ConfigError('the broker needs devices: give --keys DIR, --registry FILE, or --public-key FILE --device ID');
}

async function brokerOptions(args: BrokerCommandArgs, devices: DeviceRecord[]): Promise<BrokerOptions> {
  const downlinkMs = args.downlinkInterval === undefined ? undefined : durationArg('downlink-interval', args.downlinkInterval);
  return {
    host: args.host,
    port: args.port,
    ...(args.tlsPort === undefined ? {} : { tlsPort: args.tlsPort, tls: await tlsMaterial(args) }),
    ...(args.wsPort === undefined ? {} : { wsPort: args.wsPort }),
    policy: {
      ...DEFAULT_VERIFY_POLICY,
      audienceTemplate: args.audience,
      skewSec: durationArg('skew', args.skew) / 1000,
      maxLifetimeSec: durationArg('max-lifetime', args.maxLifetime) / 1000,
      requireKid: args.requireKid,
    },
    devices,
    maxQos: args.maxQos,
    expiryDisconnect: args.expiryDisconnect,
    ...(downlinkMs === undefined ? {} : { downlink: { intervalMs: downlinkMs, qos: 1 } }),
  };
}

async function tlsMaterial(args: BrokerCommandArgs): Promise<TlsMaterial & { caPath?: string }> {
  if (args.cert !== undefined && args.key !== undefined) {
    const read = (flag: string, file: string): Promise<string> => readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => Promise.reject(new ConfigError(`--${flag} ${file}: cannot read it: ${error.code ?? error.message}`)));
    return { certPem: await read('cert', args.cert), keyPem: await read('key', args.key) };
  }
  const local = await ensureLocalCertificates(args.certDir);
  return { certPem: local.certPem, keyPem: local.keyPem, caPath: local.caPath };
}

function listeningLines(broker: RunningBroker, deviceCount: number, args: BrokerCommandArgs): string[] {
  const host = broker.host.includes(':') ? `[${broker.host}]` : broker.host;
  const lines = [`mqtt-jwt-bench broker · ${deviceCount} devices registered`, `listening mqtt://${host}:${broker.port}`];
  if (broker.tlsPort !== undefined) {
    const trust = args.cert === undefined ? `${args.certDir}/ca.pem` : `the CA that issued ${args.cert}`;
    lines.push(`listening mqtts://${host}:${broker.tlsPort} · clients trust ${trust}`);
  }
  if (broker.wsPort !== undefined) lines.push(`listening ws://${host}:${broker.wsPort}`);
  lines.push('Ctrl-C or SIGTERM stops it');
  return lines;
}

function printStatsEvery(broker: RunningBroker, intervalMs: number): () => void {
  let last = '';
  const timer = setInterval(() => {
    const text = formatBrokerStats(totalsOf(broker));
    if (text === last) return;
    last = text;
    process.stdout.write(`${new Date().toISOString()}\n${text}\n`);
  }, intervalMs);
  return () => clearInterval(timer);
}

function totalsOf(broker: RunningBroker): MetricsTotals {
  const totals = new MetricsTotals();
  totals.add(broker.metrics.snapshot());
  return totals;
}

function durationArg(flag: string, text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined || ms <= 0) throw new ConfigError(`--${flag} must be a duration like 250ms, 30s, 5m or 1h (got ${text})`);
  return ms;
}
