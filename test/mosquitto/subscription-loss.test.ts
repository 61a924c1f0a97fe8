/**
 * A subscriber that stops receiving what its filter covers is flagged, with when and how many.
 * The device is made deaf on purpose (the injected fault deafAfterMs: it stops taking in
 * messages 2 s after its SUBACK, as if the broker had dropped its subscription), so the check is
 * tested whatever the engines do about restoring subscriptions. Against mosquitto, whose ACL lets
 * a backend client send every device its downlinks.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runPlan } from '../../src/coordinator/run.js';
import { scenarioFromObject, type RunResult } from '../../src/index.js';
import type { WorkerFaults } from '../../src/worker/faults.js';
import { formatSummary } from '../../src/report/render/console.js';
import { MosquittoBroker } from './broker.js';
import { requireMosquittoTools, skipWithoutMosquitto } from './tools.js';

const skip = skipWithoutMosquitto();
const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-subscription-loss-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function downlinkRun(url: string, faults: WorkerFaults | undefined): Promise<RunResult> {
  const loaded = scenarioFromObject(
    {
      name: 'subscription-loss',
      broker: url,
      workers: 1,
      groups: [
        { name: 'backend', count: 1, idPattern: 'backend-{index}', keys: { store: join(dir, 'backend.json') } },
        { name: 'devices', count: 4, keys: { store: join(dir, 'devices.json') } },
      ],
      stages: [
        { type: 'connect' },
        { type: 'subscribe', groups: ['devices'] },
        { type: 'downlink', from: 'backend', rate: '5/s', duration: '8s', qos: 1 },
        { type: 'hold', duration: '1s' },
        { type: 'disconnect' },
      ],
    },
    'subscription-loss',
  );
  // runPlan, not the library's run: faults are an option only the harness's own code can pass.
  return runPlan(loaded.plan, { file: loaded.file, ...(faults === undefined ? {} : { faults }) });
}

describe('a subscriber that lost its subscription', () => {
  it('is flagged with its group, filter, when it went silent and about how many messages it missed; its peers are not', { skip }, async () => {
    const tools = requireMosquittoTools();
    const broker = await MosquittoBroker.start(tools.mosquitto, { dir, websockets: false, allowAnonymous: true });
    try {
      const healthy = await downlinkRun(`mqtt://127.0.0.1:${broker.port}`, undefined);
      assert.equal(healthy.status, 'complete', healthy.statusReason);
      assert.equal(healthy.groups['devices']?.counters['received'], 160, 'every device received all 40 downlinks');
      assert.equal(healthy.subscriptionLosses, undefined, 'no false alarm on a healthy run');

      const deaf = await downlinkRun(`mqtt://127.0.0.1:${broker.port}`, { deafAfterMs: 2000 });
      const losses = deaf.subscriptionLosses ?? [];
      assert.equal(losses.length, 1, JSON.stringify(losses));
      const [loss] = losses;
      assert.deepEqual([loss!.group, loss!.filter, loss!.devices, loss!.deviceIds.length], ['devices', '/down/device/id/{deviceId}', 1, 1]);
      // 5 downlinks a second for the 8 s stage, deaf from about 2 s after its SUBACK: some 30 missed.
      assert.ok(loss!.missedMessages >= 15 && loss!.missedMessages <= 45, `missed ${loss!.missedMessages}`);
      const received = deaf.groups['devices']?.counters['received'] ?? 0;
      assert.ok(received < 160 && received > 120, `received ${received}`);
      const silentFromMs = Date.parse(loss!.silentFrom);
      const downlinkStage = deaf.stages.find((s) => s.type === 'downlink')!;
      assert.ok(silentFromMs < Date.parse(downlinkStage.endedAt), 'went silent before the downlinks ended');
      assert.deepEqual(
        deaf.caveats?.map((c) => c.kind),
        ['subscription-lost'],
      );
      assert.match(formatSummary(deaf), /· COMPLETE · SUBSCRIPTION LOST\n/);
      assert.match(
        formatSummary(deaf),
        /^! 1 subscriber of devices stopped receiving \/down\/device\/id\/\{deviceId\} from .* \(about \d+ messages missed\)$/m,
      );
    } finally {
      await broker.stop();
    }
  });
});
