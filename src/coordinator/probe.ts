/** Before any device connects: is anything listening at the broker's address? */
import { connect } from 'node:net';
import { BrokerError } from '../errors.js';

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
