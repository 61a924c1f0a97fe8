/**
 * Checks from outside the harness, with mosquitto's own client: the broker's $SYS counters and
 * an independent subscriber. Both use the broker's plain control listener on 127.0.0.1.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { MosquittoTools } from './tools.js';

const run = promisify(execFile);

/** PUBLISH packets the broker received from clients since it started (mosquitto's $SYS tree). */
export const SYS_PUBLISH_RECEIVED = '$SYS/broker/publish/messages/received';

/** One reading of a $SYS topic (retained, refreshed every sys_interval). */
export async function readSys(mosquittoSub: string, port: number, topic: string): Promise<string> {
  const { stdout } = await run(mosquittoSub, ['-h', '127.0.0.1', '-p', String(port), '-i', `sys-reader-${process.pid}`, '-t', topic, '-C', '1', '-W', '5']);
  return stdout.trim();
}

/** One reading of a numeric $SYS topic. */
export async function readSysCounter(mosquittoSub: string, port: number, topic: string): Promise<number> {
  const stdout = await readSys(mosquittoSub, port, topic);
  const value = Number(stdout);
  if (!Number.isFinite(value)) throw new Error(`${topic} is not a number: ${JSON.stringify(stdout)}`);
  return value;
}

/**
 * Does this mosquitto count QoS 2 (and retained) PUBLISH packets in SYS_PUBLISH_RECEIVED? Before
 * 2.0.15 it masked the fixed header with 0xF5, which keeps the QoS-2 and retain bits, so those
 * packets never matched CMD_PUBLISH (eclipse-mosquitto/mosquitto#2448, fixed in a913de2d).
 * Debian 12's mosquitto is 2.0.11.
 */
export async function countsQos2Publishes(mosquittoSub: string, port: number): Promise<{ version: string; counts: boolean }> {
  const version = await readSys(mosquittoSub, port, '$SYS/broker/version');
  const match = /(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (match === null) throw new Error(`cannot read mosquitto's version from ${JSON.stringify(version)}`);
  const [major, minor, patch] = match.slice(1).map(Number) as [number, number, number];
  const counts = major > 2 || (major === 2 && (minor > 0 || patch >= 15));
  return { version, counts };
}

/**
 * Reads a $SYS counter until it reaches `expected` or `timeoutMs` passes, and returns the last
 * reading. The counter only ever grows and the run has ended, so a reading above `expected` is
 * final, and one below it after the timeout is a real shortfall.
 */
export async function settledSysCounter(mosquittoSub: string, port: number, topic: string, expected: number, timeoutMs = 4000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let value = await readSysCounter(mosquittoSub, port, topic);
  while (value < expected && Date.now() < deadline) {
    await sleep(250);
    value = await readSysCounter(mosquittoSub, port, topic);
  }
  return value;
}

export interface OutsideOptions {
  /** `-V mqttv5`: MQTT 5, so the properties can be printed (%C, %E, %F, %P). */
  mqttv5?: boolean;
  /** mosquitto_sub's -F format of each message (default %t). */
  format?: string;
  clientId?: string;
  /** A session the broker keeps (-c, and -x in MQTT 5). */
  sessionExpirySec?: number;
}

/** `mosquitto_sub` on a filter, counting the messages it prints; stopped by its pid. */
export class OutsideSubscriber {
  readonly #child: ChildProcess;
  #out = '';
  #count = 0;
  #subscribed = false;
  readonly #messages: string[] = [];

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.stdout?.on('data', (d: Buffer) => {
      this.#out += d.toString();
      const lines = this.#out.split('\n');
      this.#out = lines.pop() ?? '';
      const messages = lines.filter((l) => l.startsWith('MSG '));
      this.#count += messages.length;
      this.#messages.push(...messages.map((l) => l.slice(4)));
      if (lines.some((l) => l.includes('received SUBACK'))) this.#subscribed = true;
    });
  }

  get count(): number {
    return this.#count;
  }

  /** Each message as `format` printed it (the `MSG ` prefix taken off). */
  get messages(): readonly string[] {
    return this.#messages;
  }

  /**
   * Starts mosquitto_sub and resolves once its SUBACK came back, so nothing is missed after.
   * mosquitto_sub flushes its output per message but not its debug lines (the SUBACK), so it
   * runs under `stdbuf -oL` (coreutils), which exec()s it: the pid stays mosquitto_sub's own.
   */
  static async start(
    tools: Pick<MosquittoTools, 'mosquittoSub' | 'stdbuf'>,
    port: number,
    filter: string,
    qos: 0 | 1 | 2,
    options: OutsideOptions = {},
  ): Promise<OutsideSubscriber> {
    const args = [
      '-oL',
      tools.mosquittoSub,
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-i',
      options.clientId ?? `outside-${process.pid}-${port}`,
      '-t',
      filter,
      '-q',
      String(qos),
      '-d',
      '-F',
      `MSG ${options.format ?? '%t'}`,
      ...(options.mqttv5 === true ? ['-V', 'mqttv5'] : []),
      // A kept session: clean start off and, in MQTT 5, a session expiry.
      ...(options.sessionExpirySec === undefined ? [] : ['-c', ...(options.mqttv5 === true ? ['-x', String(options.sessionExpirySec)] : [])]),
    ];
    const subscriber = new OutsideSubscriber(spawn(tools.stdbuf, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    const deadline = Date.now() + 5000;
    while (!subscriber.#subscribed) {
      if (Date.now() > deadline || subscriber.#child.exitCode !== null) throw new Error('mosquitto_sub did not subscribe');
      await sleep(10);
    }
    return subscriber;
  }

  /**
   * Waits until `expected` messages arrived or `timeoutMs` passed, then a little longer so that
   * a surplus (a duplicate) would be seen too; returns the count.
   */
  async settledCount(expected: number, timeoutMs = 3000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.#count < expected && Date.now() < deadline) await sleep(20);
    await sleep(200);
    return this.#count;
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    process.kill(this.#child.pid as number, 'SIGTERM');
    await exited;
  }
}
