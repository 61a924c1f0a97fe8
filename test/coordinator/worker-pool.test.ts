import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Transferable } from 'node:worker_threads';
import { WORKER_BOOT_SILENCE_MS, WORKER_SILENCE_MS, WorkerPool, type TaskRunner } from '../../src/coordinator/worker-pool.js';
import type { CoordinatorToWorker, WorkerResult, WorkerTask, WorkerToCoordinator } from '../../src/worker/messages.js';
import { workerPort } from '../../src/worker/typed-port.js';
import { FakeClock, planOf, TARGET } from '../worker/support/fakes.js';

const PLAN = planOf(`
workers: 2
groups:
  - { name: s, count: 2, idPattern: "s-{index}" }
stages:
  - type: connect
`);

function snapshotOf(workerIndex: number): WorkerResult {
  return {
    workerIndex,
    atMs: 0,
    final: true,
    stageIndex: 0,
    connected: 0,
    inFlight: 0,
    groups: {},
    harness: { counters: {}, histograms: {} },
    loop: { activeMs: 0, idleMs: 0 },
  };
}

/**
 * Tasks run on this thread over real MessagePorts: worker 0 says ready and finishes on `stop`,
 * worker 1 says ready and then crashes or stays silent, as told.
 */
class FakeRunner implements TaskRunner {
  destroyed = false;
  readonly seen: CoordinatorToWorker[][] = [[], []];
  constructor(readonly second: 'crash' | 'silent' | 'finish') {}
  run(task: WorkerTask, options: { transferList: Transferable[] }): Promise<WorkerResult> {
    assert.deepEqual(options.transferList, [task.port]);
    const port = workerPort(task.port);
    const post = (message: WorkerToCoordinator): void => port.post(message);
    return new Promise((resolve, reject) => {
      port.onMessage((message) => {
        this.seen[task.workerIndex]?.push(message);
        if (message.type !== 'stop') return;
        port.close();
        if (task.workerIndex === 1 && this.second === 'crash') reject(new Error('injected'));
        else if (task.workerIndex === 0 || this.second === 'finish') resolve(snapshotOf(task.workerIndex));
      });
      if (task.workerIndex === 0 || this.second !== 'silent') post({ type: 'ready', workerIndex: task.workerIndex });
    });
  }
  destroy(): Promise<void> {
    this.destroyed = true;
    return Promise.resolve();
  }
}

async function started(second: FakeRunner['second']) {
  const clock = new FakeClock(0);
  const runner = new FakeRunner(second);
  const pool = new WorkerPool(runner, clock);
  const messages: WorkerToCoordinator[] = [];
  const crashes: string[] = [];
  pool.start(
    [[{ globalIndex: 0, groupIndex: 0, deviceId: 's-0' }], [{ globalIndex: 1, groupIndex: 0, deviceId: 's-1' }]],
    (workerIndex, devices, port) => ({ workerIndex, plan: PLAN, target: TARGET, devices, port }),
    { onMessage: (m) => messages.push(m), onCrash: (i, e) => crashes.push(`${i}: ${e.message}`) },
  );
  for (let i = 0; i < 100 && messages.length < (second === 'silent' ? 1 : 2); i++) await new Promise((r) => setTimeout(r, 5));
  return { clock, runner, pool, messages, crashes };
}

describe('WorkerPool', () => {
  it('routes messages both ways, keeps each final snapshot, and shuts the runner down', async () => {
    const { runner, pool, messages } = await started('finish');
    assert.deepEqual(messages.map((m) => m.type).sort(), ['ready', 'ready']);
    pool.broadcast({ type: 'start-stage', stageIndex: 0, startAtMs: 10 });
    pool.broadcast({ type: 'stop' });
    await pool.settle(5000);
    assert.deepEqual(runner.seen, [
      [{ type: 'start-stage', stageIndex: 0, startAtMs: 10 }, { type: 'stop' }],
      [{ type: 'start-stage', stageIndex: 0, startAtMs: 10 }, { type: 'stop' }],
    ]);
    assert.deepEqual(
      pool.finals().map((f) => f?.workerIndex),
      [0, 1],
    );
    await pool.close();
    assert.equal(runner.destroyed, true);
  });

  it('reports a crashed task and leaves its final snapshot missing', async () => {
    const { pool, crashes } = await started('crash');
    pool.broadcast({ type: 'stop' });
    await pool.settle(5000);
    assert.deepEqual(crashes, ['1: injected']);
    assert.deepEqual(
      pool.finals().map((f) => f?.workerIndex),
      [0, undefined],
    );
    await pool.close();
  });

  it('does not blame the workers for its own stall: after checks 20 s apart the silence is timed afresh', async () => {
    const { clock, pool } = await started('silent');
    assert.deepEqual(pool.silent(clock.nowMs()), []);
    clock.now += 20_000;
    assert.deepEqual(pool.silent(clock.nowMs()), [], 'the coordinator did not run for 20 s: its workers may have spoken meanwhile');
    clock.now += WORKER_SILENCE_MS + 1;
    assert.deepEqual(pool.silent(clock.nowMs()), [], 'and again a stall');
    for (let i = 0; i <= WORKER_SILENCE_MS / 1000; i++) {
      clock.now += 1000;
      pool.silent(clock.nowMs());
    }
    clock.now += 1;
    assert.deepEqual(
      pool.silent(clock.nowMs()).map((s) => s.workerIndex),
      [0],
      'a silence timed by a running coordinator still counts',
    );
    pool.broadcast({ type: 'stop' });
    await pool.settle(50);
    await pool.close();
  });

  it('names a worker silent for longer than the watchdog allows, by its own clock, and stops waiting at the grace', async () => {
    const { clock, pool } = await started('silent');
    assert.deepEqual(pool.silent(clock.nowMs() + WORKER_SILENCE_MS), []);
    clock.now = WORKER_SILENCE_MS + 1;
    // Worker 1 never spoke: it is still booting, which may take longer on a loaded machine.
    assert.deepEqual(pool.silent(clock.nowMs()), [{ workerIndex: 0, silentMs: WORKER_SILENCE_MS + 1 }]);
    for (let ms = 1000; ms <= WORKER_BOOT_SILENCE_MS; ms += 1000) pool.silent(ms);
    clock.now = WORKER_BOOT_SILENCE_MS + 1;
    assert.deepEqual(pool.silent(clock.nowMs()), [
      { workerIndex: 0, silentMs: WORKER_BOOT_SILENCE_MS + 1 },
      { workerIndex: 1, silentMs: WORKER_BOOT_SILENCE_MS + 1 },
    ]);
    const before = Date.now();
    pool.broadcast({ type: 'stop' });
    await pool.settle(50);
    assert.ok(Date.now() - before < 5000);
    assert.deepEqual(
      pool.finals().map((f) => f?.workerIndex),
      [0, undefined],
    );
    await pool.close();
  });
});
