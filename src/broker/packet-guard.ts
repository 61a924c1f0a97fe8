/**
 * Refuses MQTT packets larger than a limit before they are buffered. mqtt-packet, Aedes's
 * parser, keeps reading a packet of any announced length (up to the 256 MiB the Remaining Length
 * can express, MQTT 3.1.1 §2.2.3), so a client could make the broker hold that much per socket.
 * The guard reads only the fixed headers as the bytes go by and destroys the stream at the first
 * packet whose size exceeds the limit.
 *
 * It also reads the head of each AUTH body, because AUTH never reaches Aedes (enhanced-auth.ts
 * answers it from the parsed packet) and mqtt-packet 9 does not hold a packet to its declared
 * Property Length: a property may run past it, so an AUTH whose Property Length disagrees with its
 * Remaining Length still parses, token and all. Such a packet is malformed (MQTT 5 §2.2.2.1, §3.15.2):
 * the stream is closed, as for any other malformed packet.
 */
import type { Duplex } from 'node:stream';

const AUTH = 15;

type State =
  | { phase: 'type' }
  | { phase: 'length'; type: number; value: number; multiplier: number; lengthBytes: number }
  /** An AUTH body's Reason Code and Property Length, read before the rest is skipped. */
  | { phase: 'auth-head'; length: number; read: number; value: number; multiplier: number }
  | { phase: 'body'; remaining: number };

/** A Variable Byte Integer's next byte (MQTT 5 §1.5.5): at most four bytes, seven bits each. */
function addVarintByte(state: { value: number; multiplier: number }, byte: number): void {
  state.value += (byte & 0x7f) * state.multiplier;
  state.multiplier *= 128;
}

/** A byte-wise reader of MQTT fixed headers (and AUTH heads); `feed` says whether the stream may go on. */
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
        this.#state = { phase: 'length', type: byte >> 4, value: 0, multiplier: 1, lengthBytes: 0 };
        continue;
      }
      if (state.phase === 'auth-head') {
        const verdict = this.#authHead(state, byte);
        if (verdict !== 'ok') return verdict;
        continue;
      }
      // MQTT 3.1.1 §2.2.3: seven bits per byte, at most four bytes.
      addVarintByte(state, byte);
      state.lengthBytes++;
      if (byte & 0x80) {
        if (state.lengthBytes === 4) return 'malformed';
        continue;
      }
      if (1 + state.lengthBytes + state.value > this.#maxBytes) return 'too-large';
      // An AUTH of Remaining Length 0 or 1 has no Property Length (§3.15.2.2.1).
      if (state.type === AUTH && state.value >= 2) this.#state = { phase: 'auth-head', length: state.value, read: 0, value: 0, multiplier: 1 };
      else this.#state = state.value === 0 ? { phase: 'type' } : { phase: 'body', remaining: state.value };
    }
    return 'ok';
  }

  /** One byte of an AUTH's head: the Reason Code, then the Property Length, which must fill the body exactly. */
  #authHead(state: Extract<State, { phase: 'auth-head' }>, byte: number): 'ok' | 'malformed' {
    state.read++;
    if (state.read === 1) return 'ok';
    addVarintByte(state, byte);
    const propertyLengthBytes = state.read - 1;
    if (byte & 0x80) return propertyLengthBytes === 4 || state.read === state.length ? 'malformed' : 'ok';
    if (state.read + state.value !== state.length) return 'malformed';
    this.#state = state.value === 0 ? { phase: 'type' } : { phase: 'body', remaining: state.value };
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
