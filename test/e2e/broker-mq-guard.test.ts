import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Aedes } from 'aedes';
import { spawnSync } from 'node:child_process';
import { guardMqRecursion } from '../../src/broker/mq-guard.js';
import { repoPath } from '../helpers.js';

interface Mq {
  on(topic: string, handler: (packet: unknown, done: () => void) => void): void;
  emit(packet: { topic: string; payload: string; seq?: number }, done?: () => void): void;
  length: number;
}

/**
 * The failure as it happens inside Aedes: a full window of deliveries that finish later, then
 * tens of thousands of messages nobody subscribed to, queued behind them.
 */
async function guardedFlood(queued: number): Promise<{ done: number; order: boolean }> {
  const broker = await Aedes.createBroker();
  const mq = (broker as unknown as { mq: Mq }).mq;
  guardMqRecursion(mq);
  mq.on('busy/topic', (_packet, done) => setImmediate(done));
  let done = 0;
  let lastSeq = -1;
  let order = true;
  try {
    for (let i = 0; i < 100; i++) mq.emit({ topic: 'busy/topic', payload: 'x' });
    for (let seq = 0; seq < queued; seq++) {
      mq.emit({ topic: 'nobody/listens', payload: 'x' }, () => {
        order &&= seq === lastSeq + 1;
        lastSeq = seq;
        done++;
      });
    }
    // Bounded: a lost message ends the wait after 10 s, and the count below shows it.
    const endMs = Date.now() + 10_000;
    while (done < queued && Date.now() < endMs) await new Promise((resolve) => setImmediate(resolve));
    return { done, order };
  } finally {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
  }
}

describe('mqemitter recursion guard', () => {
  it('delivers 50,000 queued messages, each once and in order, where the unguarded bus overflows the stack', async () => {
    assert.deepEqual(await guardedFlood(50_000), { done: 50_000, order: true });
  });

  it('the unguarded bus really does overflow the stack (so the test above can fail)', () => {
    // In a child process: the crash is an uncaught RangeError that ends the process.
    const script = `import { Aedes } from 'aedes';
import { spawnSync } from 'node:child_process';
const broker = await Aedes.createBroker();
broker.mq.on('busy/topic', (p, done) => setImmediate(done));
for (let i = 0; i < 100; i++) broker.mq.emit({ topic: 'busy/topic', payload: 'x' });
for (let i = 0; i < 50000; i++) broker.mq.emit({ topic: 'nobody/listens', payload: 'x' });
setTimeout(() => broker.close(), 1000);`;
    const child = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
      cwd: repoPath('.'),
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.notEqual(child.status, 0);
    assert.match(child.stderr, /RangeError: Maximum call stack size exceeded/);
  });
});
