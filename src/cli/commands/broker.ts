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
import { BrokerError, ConfigError, EXIT_INTERRUPTED, EXIT_OK, HarnessError, errorCode, errorMessage } from '../../errors.js';
import { ALGORITHMS, type Algorithm } from '../../identity/algorithms.js';
import type { DeviceRecord } from '../../identity/registry-file.js';
import { MetricsTotals } from '../../metrics/snapshot.js';
import { formatBrokerStats } from '../../report/render/broker-stats.js';
import { DURATION_EXAMPLE, parseDurationMs } from '../../scenario/units.js';
import type { Denial } from '../../broker/denials.js';
import { DEFAULT_LOG_LINES_PER_SEC, OperatorLog } from '../../broker/operator-log.js';
import { parseJwks, type KeySetEntry } from '../../identity/jwks.js';
import { handle } from '../errors.js';

export interface BrokerCommandArgs {
  host: string;
  port: number;
  tlsPort?: number;
  wsPort?: number;
  keys?: string;
  registry?: string;
  jwks?: string;
  publicKey?: string;
  device?: string;
  alg?: Algorithm;
  audience: string;
  cert?: string;
  key?: string;
  certDir: string;
  skew: string;
  maxLifetime: string;
  requireKid: boolean;
  expiryDisconnect: boolean;
  maxQos: 1 | 2;
  authMethod: string;
  reauth: boolean;
  receiveMaximum: number;
  downlinkInterval?: string;
  statsInterval?: string;
  quietRefusals: boolean;
  verbose?: boolean;
}

export const brokerCommandModule: CommandModule<object, BrokerCommandArgs> = {
  command: 'broker',
  describe: 'Run the embedded JWT-verifying broker on its own until Ctrl-C',
  builder: (y: Argv) =>
    y
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
      .option('port', { type: 'number', default: 1883, describe: 'MQTT over TCP (0: a free port)' })
      .option('tls-port', { type: 'number', describe: 'Also MQTT over TLS on this port (TLS 1.2+)' })
      .option('ws-port', { type: 'number', describe: 'Also MQTT over WebSocket on this port' })
      .option('keys', { type: 'string', describe: 'Register every device of the *.json keystores in this folder' })
      .option('registry', { type: 'string', describe: 'Register the devices of a registry file (JSON or CSV, as `keys export` writes)' })
      .option('jwks', { type: 'string', describe: 'Also accept any client whose token names a key of this JWK Set (kid) and whose aud names the client id' })
      .option('public-key', { type: 'string', describe: 'Register one device by its public key or certificate PEM (with --device)' })
      .option('device', { type: 'string', describe: 'The device id for --public-key' })
      .option('alg', { type: 'string', choices: ALGORITHMS, describe: 'The algorithm for --public-key (default: from the key)' })
      .option('audience', { type: 'string', default: DEFAULT_VERIFY_POLICY.audienceTemplate, describe: 'aud template; {deviceId} is replaced' })
      .option('cert', { type: 'string', describe: 'Server certificate PEM for --tls-port (default: one from a local CA)' })
      .option('key', { type: 'string', describe: 'Private key PEM of --cert' })
      .option('cert-dir', { type: 'string', default: DEFAULT_CERT_DIR, describe: 'Where the local CA and server certificate are kept' })
      .option('skew', { type: 'string', default: `${DEFAULT_VERIFY_POLICY.skewSec}s`, describe: 'Allowed clock skew for exp and iat' })
      .option('max-lifetime', { type: 'string', default: `${DEFAULT_VERIFY_POLICY.maxLifetimeSec / 3600}h`, describe: 'Longest exp − iat accepted' })
      .option('require-kid', { type: 'boolean', default: DEFAULT_VERIFY_POLICY.requireKid, describe: 'Refuse tokens without kid' })
      .option('expiry-disconnect', {
        type: 'boolean',
        default: BROKER_DEFAULTS.expiryDisconnect,
        describe: 'Disconnect sessions whose token expired (after the skew)',
      })
      .option('max-qos', { type: 'number', choices: [1, 2], default: BROKER_DEFAULTS.maxQos, describe: 'Highest QoS devices may publish with' })
      .option('auth-method', {
        type: 'string',
        default: BROKER_DEFAULTS.authMethod,
        describe: 'MQTT 5 Authentication Method whose Authentication Data is the token (the password works too)',
      })
      .option('reauth', {
        type: 'boolean',
        default: BROKER_DEFAULTS.reauth,
        describe: 'Answer MQTT 5 AUTH 0x19 (re-authentication with a fresh token); --no-reauth refuses it with DISCONNECT 0x82',
      })
      .option('receive-maximum', {
        type: 'number',
        default: BROKER_DEFAULTS.receiveMaximum,
        describe: 'Receive Maximum advertised in MQTT 5 CONNACKs (1 to 65535)',
      })
      .option('downlink-interval', { type: 'string', describe: 'Send each connected device a timestamped downlink this often (e.g. 10s)' })
      .option('stats-interval', { type: 'string', describe: 'Print the metrics this often when they change (e.g. 5s)' })
      .option('quiet-refusals', {
        type: 'boolean',
        default: false,
        describe: `Do not log refused and ACL-denied clients (by default one line each on stderr, at most ${DEFAULT_LOG_LINES_PER_SEC}/s)`,
      })
      .conflicts('keys', ['registry', 'public-key'])
      .conflicts('registry', 'public-key')
      .implies('public-key', 'device')
      .implies('cert', 'key')
      .implies('key', 'cert') as unknown as Argv<BrokerCommandArgs>,
  handler: handle(brokerCommand),
};

export async function brokerCommand(args: BrokerCommandArgs): Promise<number> {
  // Every flag is checked before anything listens: a wrong one is one line and exit 2.
  const statsMs = args.statsInterval === undefined ? undefined : durationArg('stats-interval', args.statsInterval);
  const devices = await loadDevices(args);
  const keySet = args.jwks === undefined ? undefined : await keySetFromJwksFile(args.jwks);
  if (devices.length === 0 && keySet === undefined) throw new ConfigError(NO_DEVICES);
  const log = args.quietRefusals ? undefined : new OperatorLog({ write: (line) => process.stderr.write(`${line}\n`), nowMs: Date.now });
  const options = {
    ...(await brokerOptions(args, devices)),
    ...(keySet === undefined ? {} : { keySet }),
    ...(log === undefined ? {} : { onDenial: (denial: Denial) => log.denied(denial) }),
  };
  const broker = await startBroker(options).catch((error: unknown) => {
    if (error instanceof HarnessError) throw error;
    throw new BrokerError(`the broker could not start: ${errorMessage(error)}`, { cause: error });
  });
  process.stdout.write(`${listeningLines(broker, devices.length, args).join('\n')}\n`);
  const stopStats = statsMs === undefined ? undefined : printStatsEvery(broker, statsMs);
  const logFlush = log === undefined ? undefined : setInterval(() => log.flush(), 1000);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stderr.write(`${signal}: shutting down (again to force)\n`);
  const force = (): never => process.exit(EXIT_INTERRUPTED);
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  stopStats?.();
  clearInterval(logFlush);
  await broker.close();
  log?.flush();
  process.stdout.write(`${formatBrokerStats(totalsOf(broker))}\n`);
  return EXIT_OK;
}

const NO_DEVICES = 'the broker needs devices: give --keys DIR, --registry FILE, --public-key FILE --device ID, or --jwks FILE';

async function loadDevices(args: BrokerCommandArgs): Promise<DeviceRecord[]> {
  if (args.keys !== undefined) return devicesFromKeysDir(args.keys);
  if (args.registry !== undefined) return devicesFromRegistryFile(args.registry);
  if (args.publicKey !== undefined && args.device !== undefined) return [await deviceFromPublicKeyFile(args.publicKey, args.device, args.alg)];
  if (args.jwks !== undefined) return [];
  throw new ConfigError(NO_DEVICES);
}

async function brokerOptions(args: BrokerCommandArgs, devices: DeviceRecord[]): Promise<BrokerOptions> {
  for (const [flag, port] of [
    ['port', args.port],
    ['tls-port', args.tlsPort],
    ['ws-port', args.wsPort],
  ] as const) {
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
      throw new ConfigError(`--${flag} must be a port number from 0 to 65535 (got ${port})`);
  }
  if (args.audience.length === 0) throw new ConfigError('--audience must not be empty');
  // An MQTT UTF-8 string holds at most 65535 bytes (§1.5.4).
  if (args.authMethod.length === 0 || Buffer.byteLength(args.authMethod) > 65535)
    throw new ConfigError(`--auth-method must be 1 to 65535 bytes of UTF-8 (got ${Buffer.byteLength(args.authMethod)} bytes)`);
  if (!Number.isInteger(args.receiveMaximum) || args.receiveMaximum < 1 || args.receiveMaximum > 65535)
    throw new ConfigError(`--receive-maximum must be an integer from 1 to 65535 (got ${args.receiveMaximum})`);
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
    authMethod: args.authMethod,
    reauth: args.reauth,
    receiveMaximum: args.receiveMaximum,
    ...(downlinkMs === undefined ? {} : { downlink: { intervalMs: downlinkMs, qos: 1 } }),
  };
}

async function tlsMaterial(args: BrokerCommandArgs): Promise<TlsMaterial & { caPath?: string }> {
  if (args.cert !== undefined && args.key !== undefined) {
    const read = (flag: string, file: string): Promise<string> =>
      readFile(file, 'utf8').catch((error: unknown) =>
        Promise.reject(new ConfigError(`--${flag} ${file}: cannot read it: ${errorCode(error) ?? errorMessage(error)}`)),
      );
    return { certPem: await read('cert', args.cert), keyPem: await read('key', args.key) };
  }
  const local = await ensureLocalCertificates(args.certDir);
  return { certPem: local.certPem, keyPem: local.keyPem, caPath: local.caPath };
}

function listeningLines(broker: RunningBroker, deviceCount: number, args: BrokerCommandArgs): string[] {
  const host = broker.host.includes(':') ? `[${broker.host}]` : broker.host;
  const keys = broker.registry.keySetSize > 0 ? ` · ${broker.registry.keySetSize} keys of ${args.jwks ?? 'a JWK Set'}` : '';
  const lines = [`mqtt-jwt-bench broker · ${deviceCount} devices registered${keys}`, `listening mqtt://${host}:${broker.port}`];
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

/** A bare number is refused, not guessed at: `2` could mean seconds or milliseconds. */
function durationArg(flag: string, text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined || ms <= 0) {
    const hint = /^\s*\d+(\.\d+)?\s*$/.test(text) ? ` (a number needs a unit: ${text.trim()}s or ${text.trim()}ms?)` : '';
    throw new ConfigError(`--${flag} must be ${DURATION_EXAMPLE} (got ${JSON.stringify(text)})${hint}`);
  }
  return ms;
}

async function keySetFromJwksFile(file: string): Promise<KeySetEntry[]> {
  const text = await readFile(file, 'utf8').catch((error: unknown) =>
    Promise.reject(new ConfigError(`--jwks ${file}: cannot read it: ${errorCode(error) ?? errorMessage(error)}`)),
  );
  return parseJwks(text, file);
}
