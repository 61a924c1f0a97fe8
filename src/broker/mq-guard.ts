/**
 * A guard against the one crash we found in the embedded broker under overload: "RangeError:
 * Maximum call stack size exceeded" in mqemitter, Aedes's message bus.
 *
 * mqemitter lets `concurrency` messages (100 in Aedes) be delivered at once and queues the rest.
 * When a delivery finishes, `released()` takes the next queued message and calls `_do()` on it.
 * A message that no subscription matches (an uplink nobody listens to: the usual case here), or
 * whose subscribers finish synchronously, completes inside `_do()` and calls `released()` again,
 * which takes the next one, and so on: the stack grows by one round per queued message. With tens
 * of thousands queued behind a full window of asynchronous deliveries (downlinks, or any
 * subscriber), the process dies. mcollina suggested this very remedy in aedes PR #311: count the
 * synchronous depth and hand the rest to the next turn of the event loop.
 *
 * The guard wraps `_do()`: beyond MAX_SYNC_DEPTH nested calls it puts the message back at the head
 * of the queue (so order is kept), keeps its slot counted, and lets a `setImmediate` release it.
 * The concurrency window, and with it Aedes's backpressure on publishers, stays as it was.
 */
const MAX_SYNC_DEPTH = 64;

/** The parts of mqemitter's instance the guard touches (mqemitter 7, mqemitter.js). */
interface MqEmitterInternals {
  _do(message: unknown, callback: unknown): unknown;
  _released(): void;
  _messageQueue: unknown[];
  _messageCallbacks: unknown[];
  current: number;
}

function isMqEmitter(mq: unknown): mq is MqEmitterInternals {
  const m = mq as Partial<MqEmitterInternals> | null;
  return (
    typeof m?._do === 'function' &&
    typeof m._released === 'function' &&
    Array.isArray(m._messageQueue) &&
    Array.isArray(m._messageCallbacks) &&
    typeof m.current === 'number'
  );
}

/** Installs the guard on an Aedes broker's `mq`; throws if mqemitter's shape is not the known one. */
export function guardMqRecursion(mq: unknown): void {
  if (!isMqEmitter(mq)) throw new Error('mqemitter internals changed: the recursion guard cannot be installed (see src/broker/mq-guard.ts)');
  const run = mq._do.bind(mq);
  let depth = 0;
  mq._do = (message, callback) => {
    if (depth >= MAX_SYNC_DEPTH) {
      mq._messageQueue.unshift(message);
      mq._messageCallbacks.unshift(callback);
      // released() already gave this message's slot back; take it again until the deferred
      // released() below gives it back and runs the head of the queue.
      mq.current++;
      setImmediate(() => mq._released());
      return mq;
    }
    depth++;
    try {
      return run(message, callback);
    } finally {
      depth--;
    }
  };
}
