/**
 * Bytes in and out of the broker, read from the sockets themselves (TCP level, so TLS and
 * WebSocket framing are counted as the network sees them). Live sockets are read at each
 * snapshot, closed ones once more at close, so every byte is counted exactly once.
 */
import type { Socket } from 'node:net';

export interface TrafficDelta {
  bytesIn: number;
  bytesOut: number;
}

export class TrafficCounter {
  readonly #seen = new Map<Socket, TrafficDelta>();
  #closed: TrafficDelta = { bytesIn: 0, bytesOut: 0 };

  track(socket: Socket): void {
    this.#seen.set(socket, { bytesIn: 0, bytesOut: 0 });
    socket.once('close', () => {
      const delta = this.#deltaOf(socket);
      this.#closed = { bytesIn: this.#closed.bytesIn + delta.bytesIn, bytesOut: this.#closed.bytesOut + delta.bytesOut };
      this.#seen.delete(socket);
    });
  }

  /** Closes every socket still open: the last step of a shutdown. */
  destroyAll(): void {
    for (const socket of this.#seen.keys()) socket.destroy();
  }

  get openSockets(): number {
    return this.#seen.size;
  }

  /** Bytes since the last call, over all sockets, open or closed since. */
  take(): TrafficDelta {
    const total = this.#closed;
    this.#closed = { bytesIn: 0, bytesOut: 0 };
    for (const socket of this.#seen.keys()) {
      const delta = this.#deltaOf(socket);
      total.bytesIn += delta.bytesIn;
      total.bytesOut += delta.bytesOut;
    }
    return total;
  }

  #deltaOf(socket: Socket): TrafficDelta {
    const last = this.#seen.get(socket) ?? { bytesIn: 0, bytesOut: 0 };
    const delta = { bytesIn: socket.bytesRead - last.bytesIn, bytesOut: socket.bytesWritten - last.bytesOut };
    this.#seen.set(socket, { bytesIn: socket.bytesRead, bytesOut: socket.bytesWritten });
    return delta;
  }
}
