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
 * version, MQTT 3.1.1 §3.2.2.3), an MQTT 5 CONNACK 0x84, or a close without any answer is bad
 * input: exit 2, naming the fields (`mqtt.auth: method` and `token.refresh: reauth` need MQTT 5).
 * Any other answer, a refusal of the probe's missing credentials included, or none in time, says
 * the broker parsed MQTT 5 or tells nothing: the run goes on. `mqtts://` and WebSocket brokers are
 * not probed.
 */
export async function probeMqtt5(url: string, uses: string, timeoutMs = 5000): Promise<void> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'mqtt:') return;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const port = parsed.port === '' ? 1883 : Number(parsed.port);
  const answer = await new Promise<{ bytes: Buffer; closed: boolean }>((resolve) => {
    let received = Buffer.alloc(0);
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (closed: boolean): void => {
      socket.destroy();
      resolve({ bytes: received, closed });
    };
    socket.once('connect', () => socket.write(mqtt5ProbeConnect(`mqtt-jwt-bench-probe-${process.pid}-${Date.now()}`)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 4) done(false);
    });
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(true));
    socket.once('close', () => done(true));
  });
  const words = refusalOfMqtt5(answer.bytes, answer.closed);
  if (words === undefined) return;
  throw new ConfigError(`broker ${url} ${words}, but the scenario sets mqtt.protocolVersion: 5${uses}`, {
    hint: 'Set mqtt.protocolVersion: 4, with mqtt.auth: password and token.refresh: reconnect (the akenza way works on MQTT 3.1.1).',
  });
}

/**
 * What a broker's answer to an MQTT 5 CONNECT says about its MQTT 5, in words, when it says it has
 * none: CONNACK 0x01 in 3.1.1's shape [MQTT-3.1.2-2 of 3.1.1], MQTT 5's 0x84, or the connection
 * closed with no answer at all (RabbitMQ 3.10 does this; an MQTT 5 broker answers every CONNECT, a
 * refusal included). Undefined: it answered as an MQTT 5 broker, or not in time (nothing is known).
 */
export function refusalOfMqtt5(bytes: Buffer, closed: boolean): string | undefined {
  if (bytes.length === 0) return closed ? 'closed the connection without answering an MQTT 5 CONNECT: it speaks MQTT 3.1.1 or older only' : undefined;
  if (bytes[0] !== 0x20) return undefined;
  if (bytes[1] === 2 && bytes[3] === 0x01) return 'answered an MQTT 5 CONNECT with CONNACK 0x01 (unacceptable protocol version): it speaks MQTT 3.1.1';
  if ((bytes[1] ?? 0) >= 3 && bytes[3] === 0x84) return 'answered an MQTT 5 CONNECT with CONNACK 0x84 (unsupported protocol version)';
  return undefined;
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
