/**
 * A TCP proxy on 127.0.0.1, port 0, in front of a broker: `cut()` resets every connection through
 * it at once (TCP RST both ways, no DISCONNECT), as a failing network or load balancer would, and
 * lets new connections through right after. It forwards bytes only, so it serves MQTT over TCP,
 * TLS and WebSocket alike.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

type Pair = [client: Socket, upstream: Socket];

export class CutProxy {
  readonly port: number;
  readonly #server: Server;
  readonly #pairs: Set<Pair>;

  private constructor(server: Server, pairs: Set<Pair>) {
    this.#server = server;
    this.#pairs = pairs;
    this.port = (server.address() as AddressInfo).port;
  }

  static async start(targetPort: number): Promise<CutProxy> {
    const pairs = new Set<Pair>();
    const server = createServer((client) => {
      const upstream = connect({ host: '127.0.0.1', port: targetPort });
      const pair: Pair = [client, upstream];
      pairs.add(pair);
      const end = (): void => {
        pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      for (const socket of pair) socket.on('error', end).on('close', end);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new CutProxy(server, pairs);
  }

  /** Connections open through the proxy now. */
  get open(): number {
    return this.#pairs.size;
  }

  /** Resets every open connection; returns how many there were. */
  cut(): number {
    const pairs = [...this.#pairs];
    for (const [client, upstream] of pairs) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    return pairs.length;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
