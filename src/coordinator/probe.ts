/** Before any device connects: is anything listening at the broker's address? */
import { connect } from 'node:net';
import { BrokerError, ConfigError } from '../errors.js';
import type { RunPlan } from '../scenario/run-plan.js';

const DEFAULT_PORTS: Record<string, number> = { 'mqtt:': 1883, 'mqtts:': 8883, 'ws:': 80, 'wss:': 443 };

export async function probeBroker(url: string, timeoutMs = 5000): Promise<void> {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const port = parsed.port === '' ? (DEFAULT_PORTS[parsed.protocol] ?? 1883) : Number(parsed.port);
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    const fail = (why: string): void => {
      socket.destroy();
      reject(
        new BrokerError(`broker ${url} is not reachable: ${why}`, {
          hint: 'Start the broker, or check the host and port in the scenario (or use broker: embedded).',
        }),
      );
    };
    socket.once('timeout', () => fail(`no answer within ${timeoutMs} ms`));
    socket.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
  });
}

/**
 * Before any device connects to an `mqtt://` broker with an MQTT 5 scenario: does the broker speak
 * MQTT 5? One CONNECT at level 5 (no credentials, a client id of its own), bytes built here as the
 * coordinator holds no MQTT library. A CONNACK in 3.1.1's shape with 0x01 (unacceptable protocol
 * version, MQTT 3.1.1 §3.2.2.3), or an MQTT 5 CONNACK 0x84, is bad input: exit 2, naming the
 * fields (`mqtt.auth: method` and `token.refresh: reauth` need MQTT 5). Any other answer, a refusal
 * of the probe's missing credentials included, or none, says the broker parsed MQTT 5 or tells
 * nothing: the run goes on. `mqtts://` and WebSocket brokers are not probed.
 */
export async function probeMqtt5(url: string, uses: string, timeoutMs = 5000): Promise<void> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'mqtt:') return;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const port = parsed.port === '' ? 1883 : Number(parsed.port);
  const answer = await new Promise<Buffer>((resolve) => {
    let received = Buffer.alloc(0);
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (): void => {
      socket.destroy();
      resolve(received);
    };
    socket.once('connect', () => socket.write(mqtt5ProbeConnect(`mqtt-jwt-bench-probe-${process.pid}-${Date.now()}`)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 4) done();
    });
    socket.once('timeout', done);
    socket.once('error', done);
    socket.once('close', done);
  });
  const threeOneOne = answer[0] === 0x20 && answer[1] === 2 && answer[3] === 0x01;
  const unsupported = answer[0] === 0x20 && (answer[1] ?? 0) >= 3 && answer[3] === 0x84;
  if (!threeOneOne && !unsupported) return;
  throw new ConfigError(
    `broker ${url} answered an MQTT 5 CONNECT with ${threeOneOne ? 'CONNACK 0x01 (unacceptable protocol version): it speaks MQTT 3.1.1' : 'CONNACK 0x84 (unsupported protocol version)'}, but the scenario sets mqtt.protocolVersion: 5${uses}`,
    { hint: 'Set mqtt.protocolVersion: 4, with mqtt.auth: password and token.refresh: reconnect (the akenza way works on MQTT 3.1.1).' },
  );
}

/** CONNECT, protocol level 5, Clean Start, keepalive 10 s, no properties, no credentials (MQTT 5 §3.1). */
function mqtt5ProbeConnect(clientId: string): Buffer {
  const id = Buffer.from(clientId, 'utf8');
  const variable = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x05, 0x02, 0x00, 0x0a, 0x00]);
  const length = variable.length + 2 + id.length;
  // Under 128 bytes: the Remaining Length is one byte.
  return Buffer.concat([Buffer.from([0x10, length]), variable, Buffer.from([id.length >> 8, id.length & 0xff]), id]);
}

/** What of MQTT 5 the plan relies on, for the probe's message: ` (with mqtt.auth: method and token.refresh: reauth)`. */
export function mqtt5Uses(plan: Pick<RunPlan, 'mqtt' | 'groups'>): string {
  const uses = [
    ...(plan.mqtt.auth.way === 'method' ? ['mqtt.auth: method'] : []),
    ...(plan.groups.some((g) => g.token.refresh === 'reauth') ? ['token.refresh: reauth'] : []),
  ];
  return uses.length === 0 ? '' : ` (with ${uses.join(' and ')})`;
}
