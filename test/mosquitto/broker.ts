/**
 * A real mosquitto for one test: a temporary config, free ports on 127.0.0.1, started as a child
 * process and stopped by its pid. Besides the listener under test it always opens a plain
 * "control" listener, which the outside checks (mosquitto_sub, $SYS counters) use, and which
 * mosquitto 2.0 needs anyway: a config with only a websockets listener does not start
 * (eclipse-mosquitto/mosquitto#3383).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export type Transport = 'tcp' | 'tls' | 'mtls' | 'ws' | 'wss';

export interface ListenerTls {
  caFile: string;
  certFile: string;
  keyFile: string;
  requireCertificate: boolean;
}

export interface BrokerOptions {
  dir: string;
  websockets: boolean;
  tls?: ListenerTls;
  /** false: refuse clients without a username/password that mosquitto itself knows. */
  allowAnonymous: boolean;
  /** Log every connection with its source address ("New client connected from 127.0.0.2:…"). */
  connectionMessages?: boolean;
  /** More lines for mosquitto.conf (global options: acl_file, max_inflight_messages, max_qos …). */
  extra?: string[];
  /** More lines for the listener under test (listener options: max_qos …). */
  listenerExtra?: string[];
}

const START_TIMEOUT_MS = 5000;

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The mosquitto.conf text: pure, so a reader can see exactly what the tests run against. */
export function mosquittoConfig(options: BrokerOptions, port: number, controlPort: number): string {
  const lines = [
    // Run as root (CI), mosquitto drops to the "mosquitto" user before it reads certificates,
    // which then cannot read our 0600 key files; naming the current user keeps it as is.
    `user ${userInfo().username}`,
    'per_listener_settings false',
    `allow_anonymous ${options.allowAnonymous}`,
    'persistence false',
    // $SYS counters every second, so the tests can read them soon after a run.
    'sys_interval 1',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    `connection_messages ${options.connectionMessages === true}`,
    ...(options.extra ?? []),
    `listener ${controlPort} 127.0.0.1`,
    'protocol mqtt',
    // mosquitto 2.0.11 binds websockets listeners to every address when given 127.0.0.1
    // (eclipse-mosquitto/mosquitto#2085); libwebsockets takes an interface name instead.
    options.websockets ? `listener ${port} lo` : `listener ${port} 127.0.0.1`,
    `protocol ${options.websockets ? 'websockets' : 'mqtt'}`,
    ...(options.listenerExtra ?? []),
  ];
  if (options.tls !== undefined) {
    lines.push(
      `cafile ${options.tls.caFile}`,
      `certfile ${options.tls.certFile}`,
      `keyfile ${options.tls.keyFile}`,
      'tls_version tlsv1.2',
      `require_certificate ${options.tls.requireCertificate}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export class MosquittoBroker {
  readonly port: number;
  readonly controlPort: number;
  readonly #child: ChildProcess;
  #log = '';
  #exited: Promise<void>;

  private constructor(child: ChildProcess, port: number, controlPort: number) {
    this.#child = child;
    this.port = port;
    this.controlPort = controlPort;
    child.stderr?.on('data', (d: Buffer) => (this.#log += d.toString()));
    child.stdout?.on('data', (d: Buffer) => (this.#log += d.toString()));
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  get pid(): number {
    return this.#child.pid as number;
  }

  get log(): string {
    return this.#log;
  }

  /** Starts mosquitto; retries with new ports if another process took one meanwhile. */
  static async start(binary: string, options: BrokerOptions): Promise<MosquittoBroker> {
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const [port, controlPort] = [await freePort(), await freePort()];
      const configFile = join(options.dir, `mosquitto-${port}.conf`);
      writeFileSync(configFile, mosquittoConfig(options, port, controlPort), { mode: 0o600 });
      const broker = new MosquittoBroker(spawn(binary, ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] }), port, controlPort);
      try {
        await broker.#waitUntilListening();
        return broker;
      } catch (error) {
        lastError = error as Error;
        await broker.stop();
        if (!/Address already in use/.test(broker.log)) break;
      }
    }
    throw lastError ?? new Error('mosquitto did not start');
  }

  async #waitUntilListening(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    let exited = false;
    void this.#exited.then(() => (exited = true));
    while (Date.now() < deadline && !exited) {
      if (/ running/.test(this.#log) && (await accepts(this.port)) && (await accepts(this.controlPort))) return;
      await sleep(20);
    }
    throw new Error(`mosquitto did not start (${exited ? `exited` : 'timed out'}):\n${this.#log}`);
  }

  /** SIGTERM by pid, then SIGKILL if it has not exited within 5 s. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    process.kill(this.pid, 'SIGTERM');
    const timer = setTimeout(() => this.#child.exitCode === null && process.kill(this.pid, 'SIGKILL'), 5000);
    await this.#exited;
    clearTimeout(timer);
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
