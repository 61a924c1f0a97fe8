/**
 * The coordinator through an injected task runner: the workers are real WorkerRuns on this thread
 * over fake sessions (test/worker/support/fakes.ts), so the whole message and stage protocol runs,
 * and the RunResult's figures are the sums the workers sent. No piscina, no broker traffic: the
 * one socket is a listener that answers the coordinator's reachability probe.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RunCoordinator } from '../../src/coordinator/run.js';
import { loadKeystore } from '../../src/identity/keystore.js';
import type { TaskRunner } from '../../src/coordinator/worker-pool.js';
import type { WorkerResult, WorkerTask } from '../../src/worker/messages.js';
import { WorkerRun } from '../../src/worker/worker-run.js';
import { FakeClock, FakeEngine, planOf } from '../worker/support/fakes.js';

const WORKERS = 2;
const DEVICES = 4;
const MESSAGES_EACH = 3;

/** Runs each task as a WorkerRun on this thread, each worker with its own fake clock and engine. */
class InThreadRunner implements TaskRunner {
  readonly engines: FakeEngine[] = [];
  tasks = 0;
  destroyed = false;
  constructor(readonly crashWorker?: number) {}
  run(task: WorkerTask): Promise<WorkerResult> {
    this.tasks++;
    if (task.workerIndex === this.crashWorker) {
      task.port.close();
      return Promise.reject(new Error('out of memory, on purpose'));
    }
    const clock = new FakeClock(Date.now());
    const engine = new FakeEngine({}, clock);
    this.engines.push(engine);
    return new WorkerRun(task, clock, engine).execute();
  }
  destroy(): Promise<void> {
    this.destroyed = true;
    return Promise.resolve();
  }
}

describe('RunCoordinator', () => {
  let listener: Server;
  let url: string;
  let dir: string;
  before(async () => {
    listener = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    url = `mqtt://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    dir = await mkdtemp(join(tmpdir(), 'run-coordinator-'));
  });
  after(async () => {
    await new Promise((resolve) => listener.close(resolve));
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  });

  const planFor = (name: string): ReturnType<typeof planOf> =>
    planOf(`
name: ${name}
broker: "${url}"
workers: ${WORKERS}
groups:
  - { name: a, count: ${DEVICES}, idPattern: "a-{index}", alg: ES256, keys: { mode: per-device, store: "${join(dir, `${name}.json`)}" } }
stages:
  - { type: connect, rate: 100/s }
  - { type: publish, rate: 1/s, duration: ${MESSAGES_EACH}s, qos: 1 }
  - { type: disconnect }
`);

  it('runs every stage on every worker and adds their figures into one RunResult', async () => {
    const runner = new InThreadRunner();
    const result = await new RunCoordinator(planFor('whole'), { file: 'unit.yaml' }, undefined, (workers) => {
      assert.equal(workers, WORKERS);
      return runner;
    }).run();

    assert.equal(result.status, 'complete', result.statusReason);
    assert.equal(runner.tasks, WORKERS);
    assert.equal(runner.destroyed, true, 'the pool is shut down');
    assert.deepEqual(
      runner.engines.map((e) => e.sessions.length),
      [DEVICES / WORKERS, DEVICES / WORKERS],
      'the devices are split between the workers',
    );
    const counters = result.total.counters;
    assert.equal(counters['devices'], DEVICES);
    assert.equal(counters['keysGenerated'], DEVICES, 'the workers generated every key (none were in the store)');
    assert.equal(counters['connected'], DEVICES);
    assert.equal(counters['published'], DEVICES * MESSAGES_EACH);
    assert.equal(counters['acked'], DEVICES * MESSAGES_EACH);
    assert.equal(counters['disconnected'], DEVICES);
    assert.deepEqual(
      result.stages.map((s) => s.type),
      ['connect', 'publish', 'disconnect'],
    );
    const store = await loadKeystore(join(dir, 'whole.json'), 'ES256');
    assert.deepEqual(Object.keys(store.devices).sort(), ['a-1', 'a-2', 'a-3', 'a-4'], 'the keys the workers generated are kept for the next run');
  });

  it('on a stop signal: no stage starts, the workers are stopped and the run is interrupted', async () => {
    const runner = new InThreadRunner();
    const stop = new AbortController();
    stop.abort();
    const result = await new RunCoordinator(planFor('stopped'), { file: 'unit.yaml', signal: stop.signal }, undefined, () => runner).run();

    assert.equal(result.status, 'interrupted');
    assert.equal(result.statusReason, 'stopped by signal');
    assert.equal(runner.tasks, WORKERS);
    assert.deepEqual(result.stages, []);
    assert.equal(result.total.counters['connected'] ?? 0, 0);
    assert.deepEqual(
      runner.engines.map((e) => e.sessions.length),
      [0, 0],
      'no device connected',
    );
  });

  it('ends the run failed, naming the worker, when a task crashes', async () => {
    const runner = new InThreadRunner(1);
    const result = await new RunCoordinator(planFor('crash'), { file: 'unit.yaml' }, undefined, () => runner).run();

    assert.equal(result.status, 'failed');
    assert.match(result.statusReason ?? '', /^worker 1 crashed: out of memory, on purpose/);
    assert.equal(runner.destroyed, true);
  });
});
