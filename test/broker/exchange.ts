/** Raw bytes to the broker and what came back, bounded in time: for protocol fuzzing. */
import { openSocket } from './raw-mqtt.js';

export interface Exchange {
  /** Everything the broker sent. */
  reply: Buffer;
  /** The broker closed the socket within the limit (otherwise the test closed it). */
  closedByBroker: boolean;
}

/** CONNACK return code at the start of `reply`, if the reply starts with a CONNACK. */
export function connackOf(reply: Buffer): number | undefined {
  return reply.length >= 4 && reply[0] === 0x20 && reply[1] === 0x02 ? reply[3] : undefined;
}

/**
 * Writes `chunks` (`gapMs` apart) and waits up to `limitMs` for the broker to close. A socket
 * that got CONNACK 0 stays open by design, so it is closed here as soon as that arrives.
 */
export async function exchange(port: number, chunks: readonly Buffer[], limitMs: number, gapMs = 0): Promise<Exchange> {
  const socket = await openSocket(port);
  const parts: Buffer[] = [];
  let closedByBroker = false;
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, limitMs);
    socket.on('data', (chunk: Buffer) => {
      parts.push(chunk);
      if (connackOf(Buffer.concat(parts)) === 0) resolve();
    });
    socket.on('error', () => {});
    socket.once('close', () => {
      closedByBroker = true;
      resolve();
    });
  });
  void (async () => {
    for (const chunk of chunks) {
      if (socket.destroyed) return;
      socket.write(chunk);
      if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
  })();
  await done;
  clearTimeout(timer);
  socket.destroy();
  return { reply: Buffer.concat(parts), closedByBroker };
}
