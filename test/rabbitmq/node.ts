/**
 * A real RabbitMQ node for a test suite (or a bench): started unprivileged from a temporary
 * folder, never the system service. Its MQTT listener, management API and Erlang distribution
 * port are free ports on 127.0.0.1; its node name is unique to this process, so parallel suites
 * (and other users' nodes) are never touched. The shared epmd on port 4369 is left running:
 * it serves every Erlang node on the machine.
 *
 * Authentication is the OAuth 2 backend alone: the only way in is a JWT whose kid names a key of
 * the advanced.config the caller gives (what `keys export --format rabbitmq` writes).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RabbitmqTools } from './tools.js';

/** Loaded CI machines took up to a minute; an idle one about 15 s. */
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 60_000;

export interface RabbitmqNodeOptions {
  /** An empty folder the node may own: config, data, logs and the Erlang cookie go here. */
  dir: string;
  /** advanced.config text: the oauth2 backend's resource_server_id and signing_keys. */
  advancedConfig: string;
  /** Statistics every this often for the management API (RabbitMQ's default is 5 s). */
  statsIntervalMs?: number;
  /** Also MQTT over TLS (1.2 and 1.3), with this server certificate; no client certificate asked for. */
  tls?: { caFile: string; certFile: string; keyFile: string };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** rabbitmq.conf (the new-style format): MQTT and the management API on loopback only, no AMQP listener. */
export function rabbitmqConf(ports: { mqtt: number; management: number; mqtts?: number }, statsIntervalMs: number, tls?: RabbitmqNodeOptions['tls']): string {
  const tlsLines =
    tls === undefined || ports.mqtts === undefined
      ? []
      : [
          `mqtt.listeners.ssl.default = 127.0.0.1:${ports.mqtts}`,
          `ssl_options.cacertfile = ${tls.caFile}`,
          `ssl_options.certfile = ${tls.certFile}`,
          `ssl_options.keyfile = ${tls.keyFile}`,
          'ssl_options.verify = verify_none',
          'ssl_options.fail_if_no_peer_cert = false',
          'ssl_options.versions.1 = tlsv1.3',
          'ssl_options.versions.2 = tlsv1.2',
        ];
  return [
    ...tlsLines,
    'listeners.tcp = none',
    'auth_backends.1 = rabbit_auth_backend_oauth2',
    `mqtt.listeners.tcp.default = 127.0.0.1:${ports.mqtt}`,
    'mqtt.allow_anonymous = false',
    `management.tcp.ip = 127.0.0.1`,
    `management.tcp.port = ${ports.management}`,
    `collect_statistics_interval = ${statsIntervalMs}`,
    'log.console = true',
    'log.console.level = info',
    'log.file = false',
    '',
  ].join('\n');
}

export class RabbitmqNode {
  readonly nodeName: string;
  readonly mqttPort: number;
  readonly managementPort: number;
  /** MQTT over TLS, when the node was given a certificate. */
  readonly mqttsPort: number | undefined;
  readonly #tools: RabbitmqTools;
  readonly #env: NodeJS.ProcessEnv;
  readonly #pidFile: string;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  #log = '';

  private constructor(tools: RabbitmqTools, env: NodeJS.ProcessEnv, ports: { mqtt: number; management: number; mqtts?: number }, pidFile: string) {
    this.#tools = tools;
    this.#env = env;
    this.nodeName = env['RABBITMQ_NODENAME'] as string;
    this.mqttPort = ports.mqtt;
    this.managementPort = ports.management;
    this.mqttsPort = ports.mqtts;
    this.#pidFile = pidFile;
    // Its own process group, so a node that ignores `rabbitmqctl stop` can still be ended by that group's id.
    this.#child = spawn(tools.server, [], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const append = (d: Buffer): void => {
      this.#log = (this.#log + d.toString()).slice(-200_000);
    };
    this.#child.stdout?.on('data', append);
    this.#child.stderr?.on('data', append);
    this.#exited = new Promise((resolve) => this.#child.once('exit', () => resolve()));
  }

  get log(): string {
    return this.#log;
  }

  /** The Erlang VM's OS pid (beam.smp), for reading its CPU time from /proc. */
  get beamPid(): number {
    return Number(readFileSync(this.#pidFile, 'utf8').trim());
  }

  static async start(tools: RabbitmqTools, options: RabbitmqNodeOptions): Promise<RabbitmqNode> {
    const { dir } = options;
    for (const sub of ['home', 'data', 'log']) mkdirSync(join(dir, sub), { recursive: true, mode: 0o700 });
    const ports = { mqtt: await freePort(), management: await freePort(), ...(options.tls === undefined ? {} : { mqtts: await freePort() }) };
    const [distPort, ctlPort] = [await freePort(), await freePort()];
    writeFileSync(join(dir, 'rabbitmq.conf'), rabbitmqConf(ports, options.statsIntervalMs ?? 500, options.tls), { mode: 0o600 });
    writeFileSync(join(dir, 'advanced.config'), options.advancedConfig, { mode: 0o600 });
    writeFileSync(join(dir, 'enabled_plugins'), '[rabbitmq_mqtt,rabbitmq_auth_backend_oauth2,rabbitmq_management].\n', { mode: 0o600 });
    // An empty env file instead of /etc/rabbitmq/rabbitmq-env.conf, so the machine's settings stay out.
    writeFileSync(join(dir, 'rabbitmq-env.conf'), '', { mode: 0o600 });
    const pidFile = join(dir, 'rabbitmq.pid');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      HOME: join(dir, 'home'),
      LANG: 'C.UTF-8',
      RABBITMQ_NODENAME: `rabbit-${process.pid}-${Math.random().toString(36).slice(2, 8)}@localhost`,
      RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
      RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
      RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
      RABBITMQ_MNESIA_BASE: join(dir, 'data'),
      RABBITMQ_LOG_BASE: join(dir, 'log'),
      RABBITMQ_PID_FILE: pidFile,
      RABBITMQ_DIST_PORT: String(distPort),
      // rabbitmqctl's own distribution port (by default the node's + 10000, which may not exist).
      RABBITMQ_CTL_DIST_PORT_MIN: String(ctlPort),
      RABBITMQ_CTL_DIST_PORT_MAX: String(Math.min(ctlPort + 10, 65535)),
    };
    const node = new RabbitmqNode(tools, env, ports, pidFile);
    try {
      await node.#waitUntilReady();
      return node;
    } catch (error) {
      await node.stop();
      throw error;
    }
  }

  async #waitUntilReady(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    let exited = false;
    void this.#exited.then(() => (exited = true));
    while (Date.now() < deadline && !exited) {
      const tlsUp = this.mqttsPort === undefined || (await accepts(this.mqttsPort));
      if (/Server startup complete/.test(this.#log) && (await accepts(this.mqttPort)) && (await accepts(this.managementPort)) && tlsUp) return;
      await sleep(250);
    }
    throw new Error(`RabbitMQ did not start (${exited ? 'exited' : 'timed out'}):\n${this.#log.slice(-5000)}`);
  }

  /** `rabbitmqctl stop` by node name; if the node is still there after that, its process group is killed. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    spawnSync(this.#tools.ctl, ['-n', this.nodeName, 'stop'], { env: this.#env, stdio: 'ignore', timeout: STOP_TIMEOUT_MS });
    const killed = await Promise.race([this.#exited.then(() => false), sleep(10_000).then(() => true)]);
    if (!killed) return;
    try {
      process.kill(-(this.#child.pid as number), 'SIGKILL');
    } catch {
      // already gone
    }
    await this.#exited;
  }

  /** `rabbitmqctl eval EXPR` on this node: the printed Erlang term, or an error with what it said. */
  eval(expression: string): string {
    const result = spawnSync(this.#tools.ctl, ['-n', this.nodeName, 'eval', expression], { env: this.#env, encoding: 'utf8', timeout: STOP_TIMEOUT_MS });
    if (result.status !== 0) throw new Error(`rabbitmqctl eval: ${result.stderr}${result.stdout}`);
    return result.stdout.trim();
  }

  /** GET on the management API, authenticated by a token (the oauth2 backend reads it from the Basic password). */
  async managementGet(path: string, token: string): Promise<unknown> {
    const response = await fetch(`http://127.0.0.1:${this.managementPort}${path}`, {
      headers: { authorization: `Basic ${Buffer.from(`operator:${token}`).toString('base64')}` },
    });
    if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
    return response.json();
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
