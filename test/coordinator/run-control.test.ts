import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProgressEvent } from '../../src/coordinator/progress.js';
import { RunControl } from '../../src/coordinator/run-control.js';
import type { CoordinatorToWorker } from '../../src/worker/messages.js';

function control() {
  const events: ProgressEvent[] = [];
  const sent: CoordinatorToWorker[] = [];
  return {
    events,
    sent,
    control: new RunControl(
      2,
      (e) => events.push(e),
      (m) => sent.push(m),
    ),
  };
}

/** Whether `promise` has settled once pending callbacks have run. */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('RunControl', () => {
  it('opens the ready and stage barriers only when every worker has reported', async () => {
    const { control: c } = control();
    const ready = c.allReady();
    c.onWorkerMessage({ type: 'ready', workerIndex: 0 });
    assert.equal(await settled(ready), false);
    c.onWorkerMessage({ type: 'ready', workerIndex: 1 });
    assert.equal(await settled(ready), true);
    const stage1 = c.stageDone(1);
    c.onWorkerMessage({ type: 'stage-done', workerIndex: 0, stageIndex: 0 });
    c.onWorkerMessage({ type: 'stage-done', workerIndex: 1, stageIndex: 1 });
    assert.equal(await settled(stage1), false);
    c.onWorkerMessage({ type: 'stage-done', workerIndex: 0, stageIndex: 1 });
    assert.equal(await settled(stage1), true);
    assert.equal(c.status, 'complete');
  });

  it('ends once (the first reason wins), tells the workers to stop, and releases every wait', async () => {
    const { control: c, events, sent } = control();
    const waiting = c.stageDone(0);
    c.end('failed', 'worker 1 crashed');
    c.end('interrupted', 'stopped by signal');
    assert.equal(await settled(waiting), true);
    assert.equal(await settled(c.allReady()), true);
    assert.equal(c.status, 'failed');
    assert.equal(c.statusReason, 'worker 1 crashed');
    assert.deepEqual(sent, [{ type: 'stop' }]);
    assert.deepEqual(events, [{ type: 'phase', message: 'failed: worker 1 crashed' }]);
    c.noteForced();
    assert.equal(c.statusReason, 'worker 1 crashed; forced: workers not waited for');
  });
});
