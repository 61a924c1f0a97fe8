import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import type { RunPlan } from '../../src/scenario/run-plan.js';
import type { DeviceAssignment, WorkerSnapshot, WorkerTask, WorkerToCoordinator } from '../../src/worker/messages.js';
import { coordinatorPort } from '../../src/worker/typed-port.js';
import { WorkerRun } from '../../src/worker/worker-run.js';
import { claimsOf, FakeClock, FakeEngine, planOf, TARGET } from './support/fakes.js';

const DEVICES = 3;
const START_MS = 1_700_000_000_000;
const MESSAGES_EACH = 4;
const PLAN = planOf(`
groups:
  - { name: a, count: ${DEVICES}, idPattern: "a-{index}", alg: ES256 }
stages:
  - { type: connect, rate: 100/s }
  - { type: publish, rate: 1/s, duration: ${MESSAGES_EACH}s, qos: 1 }
  - { type: disconnect }
`);

/** The worker's shard: every device of the plan, each with a real ES256 key as the coordinator sends it. */
function devicesOf(plan: RunPlan): DeviceAssignment[] {
  const privateKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'jwk' });
  return Array.from({ length: plan.groups[0]?.count ?? 0 }, (_, i) => ({
    globalIndex: i,
    groupIndex: 0,
    deviceId: `a-${i}`,
    key: { privateKey, kid: 'unit-kid' },
  }));
}

/**
 * Plays the coordinator on the other end of the task's port: each stage starts when the worker
 * says it is ready for it, until `stopBefore` (then a stop instead). Returns what the worker sent.
 */
function coordinate(plan: RunPlan, clock: FakeClock, stopBefore = Infinity): { task: WorkerTask; received: WorkerToCoordinator[]; close: () => void } {
  const { port1, port2 } = new MessageChannel();
  const coordinator = coordinatorPort(port2);
  const received: WorkerToCoordinator[] = [];
  const start = (stageIndex: number): void => {
    if (stageIndex >= plan.stages.length) return;
    coordinator.post(stageIndex >= stopBefore ? { type: 'stop' } : { type: 'start-stage', stageIndex, startAtMs: clock.nowMs() });
  };
  coordinator.onMessage((message) => {
    received.push(message);
    if (message.type === 'ready') start(0);
    if (message.type === 'stage-done') start(message.stageIndex + 1);
  });
  const task: WorkerTask = { workerIndex: 0, plan, target: TARGET, devices: devicesOf(plan), port: port1 };
  return { task, received, close: () => coordinator.close() };
}

/** A counter summed over the interval snapshots and the final one, as the coordinator adds them. */
function counted(snapshots: readonly WorkerSnapshot[], name: string): number {
  return snapshots.reduce((n, s) => n + (s.groups['a']?.counters[name] ?? 0), 0);
}

function snapshotsOf(received: readonly WorkerToCoordinator[]): WorkerSnapshot[] {
  return received.flatMap((m) => (m.type === 'snapshot' ? [m.snapshot] : []));
}

describe('WorkerRun', () => {
  it('prepares, says ready, runs every stage on the coordinator’s word and returns the final snapshot', async () => {
    const clock = new FakeClock(START_MS);
    const engine = new FakeEngine({}, clock);
    const { task, received, close } = coordinate(PLAN, clock);
    const final = await new WorkerRun(task, clock, engine).execute();
    await new Promise((resolve) => setImmediate(resolve));
    close();

    const kinds = received.filter((m) => m.type !== 'snapshot').map((m) => (m.type === 'stage-done' ? `stage-done ${m.stageIndex}` : m.type));
    assert.deepEqual(kinds, ['ready', 'stage-done 0', 'stage-done 1', 'stage-done 2']);
    assert.equal(final.final, true);
    assert.equal(final.workerIndex, 0);
    assert.equal(final.connected, 0, 'the disconnect stage closed every session');
    assert.equal(engine.closed, true, 'the engine is closed at the end');

    const all = [...snapshotsOf(received), final];
    assert.equal(counted(all, 'devices'), DEVICES);
    assert.equal(counted(all, 'connected'), DEVICES);
    assert.equal(counted(all, 'published'), DEVICES * MESSAGES_EACH);
    assert.equal(counted(all, 'acked'), DEVICES * MESSAGES_EACH);
    assert.equal(counted(all, 'disconnected'), DEVICES);
    assert.equal(engine.sessions.length, DEVICES, 'one session per device, nothing reconnected');
    const published = engine.sessions.flatMap((s) => s.published);
    assert.equal(published.length, DEVICES * MESSAGES_EACH);
    assert.ok(
      published.every((p) => p.qos === 1),
      'at the planned QoS',
    );
    // Each device logged in with a token signed in preparation, at the clock's time, for the
    // scenario's default lifetime (20 minutes).
    assert.equal(counted(all, 'tokensSigned'), DEVICES);
    const startSec = Math.floor(START_MS / 1000);
    for (const session of engine.sessions) {
      const claims = claimsOf(session.passwords[0] ?? '');
      assert.deepEqual([claims['iat'], claims['exp']], [startSec, startSec + 20 * 60]);
    }
  });

  it('stops at a stop message: no later stage runs, and the final snapshot still comes back', async () => {
    const clock = new FakeClock();
    const engine = new FakeEngine({}, clock);
    const { task, received, close } = coordinate(PLAN, clock, 1);
    const final = await new WorkerRun(task, clock, engine).execute();
    await new Promise((resolve) => setImmediate(resolve));
    close();

    const kinds = received.filter((m) => m.type !== 'snapshot').map((m) => (m.type === 'stage-done' ? `stage-done ${m.stageIndex}` : m.type));
    assert.deepEqual(kinds, ['ready', 'stage-done 0']);
    assert.equal(final.final, true);
    const all = [...snapshotsOf(received), final];
    assert.equal(counted(all, 'connected'), DEVICES);
    assert.equal(counted(all, 'published'), 0, 'the publish stage never started');
    assert.equal(final.connected, 0, 'sessions are closed on the way out');
  });
});
