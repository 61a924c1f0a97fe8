/** One CONNECT by hand, outside the harness: what RabbitMQ answered, and nothing retried. */
import mqtt from 'mqtt';

export type Answer = { connected: true; published?: 'acked' | 'closed' } | { connected: false; connack: number | undefined; message: string };

/**
 * Connects as `clientId` with `password`; when accepted, publishes once at QoS 1 to `publishTo`
 * and says whether the PUBACK came or the broker closed the connection instead (within 15 s).
 */
export async function attemptConnect(port: number, clientId: string, password: string, publishTo?: string): Promise<Answer> {
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
    clientId,
    username: 'unused',
    password,
    protocolVersion: 4,
    clean: true,
    keepalive: 30,
    reconnectPeriod: 0,
    connectTimeout: 15_000,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
      client.once('close', () => reject(new Error('closed before CONNACK')));
    });
  } catch (error) {
    client.end(true);
    const code = (error as { code?: unknown }).code;
    return { connected: false, connack: typeof code === 'number' ? code : undefined, message: (error as Error).message };
  }
  if (publishTo === undefined) {
    await client.endAsync();
    return { connected: true };
  }
  const closed = new Promise<'closed'>((resolve) => client.once('close', () => resolve('closed')));
  const timeout = new Promise<'closed'>((resolve) => setTimeout(() => resolve('closed'), 15_000).unref());
  const published = await Promise.race([client.publishAsync(publishTo, 'x', { qos: 1 }).then(() => 'acked' as const), closed, timeout]);
  client.end(true);
  return { connected: true, published };
}
