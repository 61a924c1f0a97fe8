/**
 * Refuses MQTT packets larger than a limit before they are buffered. mqtt-packet, Aedes's
 * parser, keeps reading a packet of any announced length (up to the 256 MiB the Remaining Length
 * can express, MQTT 3.1.1 §2.2.3), so a client could make the broker hold that much per socket.
 * The guard reads only the fixed headers as the bytes go by and destroys the stream at the first
 * packet whose size exceeds the limit.
 */
import type { Duplex } from 'node:stream';

type State = { phase: 'type' } | { phase: 'length'; value: number; multiplier: number; lengthBytes: number } | { phase: 'body'; remaining: number };

/** A byte-wise reader of MQTT fixed headers; `feed` says whether the stream may go on. */
export class PacketSizeFramer {
  readonly #maxBytes: number;
  #state: State = { phase: 'type' };

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Returns 'ok', or why the stream must be closed. */
  feed(chunk: Uint8Array): 'ok' | 'too-large' | 'malformed' {
    let i = 0;
    while (i < chunk.length) {
      const state = this.#state;
      if (state.phase === 'body') {
        const skip = Math.min(state.remaining, chunk.length - i);
        i += skip;
        state.remaining -= skip;
        if (state.remaining === 0) this.#state = { phase: 'type' };
        continue;
      }
      const byte = chunk[i++] as number;
      if (state.phase === 'type') {
        this.#state = { phase: 'length', value: 0, multiplier: 1, lengthBytes: 0 };
        continue;
      }
      // MQTT 3.1.1 §2.2.3: seven bits per byte, at most four bytes.
      state.value += (byte & 0x7f) * state.multiplier;
      state.multiplier *= 128;
      state.lengthBytes++;
      if (byte & 0x80) {
        if (state.lengthBytes === 4) return 'malformed';
        continue;
      }
      if (1 + state.lengthBytes + state.value > this.#maxBytes) return 'too-large';
      this.#state = state.value === 0 ? { phase: 'type' } : { phase: 'body', remaining: state.value };
    }
    return 'ok';
  }
}

/**
 * Puts a framer on `stream`. Aedes pulls bytes with `stream.read()` (lib/client.js), so wrapping
 * that one method sees every byte without a second stream and its buffers per connection.
 */
export function guardPacketSize(stream: Duplex, maxBytes: number, onRefused: (why: 'too-large' | 'malformed') => void): void {
  const framer = new PacketSizeFramer(maxBytes);
  const read = stream.read.bind(stream);
  stream.read = (size?: number): unknown => {
    const chunk: unknown = read(size);
    if (chunk instanceof Uint8Array) {
      const verdict = framer.feed(chunk);
      if (verdict !== 'ok') {
        onRefused(verdict);
        stream.destroy();
        return null;
      }
    }
    return chunk;
  };
}
