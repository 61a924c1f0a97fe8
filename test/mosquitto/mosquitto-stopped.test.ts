/**
 * A broker that stops answering in the middle of a run: SIGSTOP a real mosquitto one second into
 * a publish stage and SIGCONT it only when the next stage begins, after the harness has given up
 * waiting for acks. The run must count those timeouts, not hang on them, not count a late ack
 * twice, and recover: a later publish stage is acknowledged in full.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run, scenarioFromObject } from '../../src/index.js';
import { MosquittoBroker } from './broker.js';
import { requireMosquittoTools, skipWithoutMosquitto, type MosquittoTools } from './tools.js';

const skip = skipWithoutMosquitto();
const DEVICES = 10;
const BEFORE = 8;
const AFTER = 4;

describe('a mosquitto stopped (SIGSTOP) in the middle of a publish stage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-sigstop-'));
  let tools: MosquittoTools;
  before(() => {
    if (!skip) tools = requireMosquittoTools();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('counts ack timeouts, finishes, and recovers once it is continued', { skip, timeout: 90_000 }, async () => {
    const broker = await MosquittoBroker.start(tools.mosquitto, { dir, websockets: false, allowAnonymous: true });
    const signals: string[] = [];
    let stopTimer: NodeJS.Timeout | undefined;
    try {
      const scenario = scenarioFromObject(
        {
          name: 'sigstop',
          broker: `mqtt://127.0.0.1:${broker.port}`,
          workers: 1,
          // keepalive outlasts the stop, so sessions survive it; acks are waited for one connect timeout.
          mqtt: { protocolVersion: 4, keepalive: '60s', connectTimeout: '2s', clean: true },
          groups: [{ name: 'g', count: DEVICES, alg: 'ES256', keys: { store: join(dir, 'keys.json') } }],
          stages: [
            { type: 'connect' },
            { type: 'publish', rate: '2/s', count: BEFORE, qos: 1 },
            { type: 'hold', duration: '2s' },
            { type: 'publish', rate: '2/s', count: AFTER, qos: 1 },
            { type: 'disconnect' },
          ],
        },
        'sigstop',
      );
      const result = await run(scenario, {
        onProgress: (event) => {
          if (event.type !== 'stage') return;
          // One second into the first publish stage; continued as soon as the hold begins.
          if (event.index === 1) stopTimer = setTimeout(() => (process.kill(broker.pid, 'SIGSTOP'), signals.push('STOP')), 1000);
          if (event.index === 2 && signals.includes('STOP')) {
            process.kill(broker.pid, 'SIGCONT');
            signals.push('CONT');
          }
        },
      });
      assert.deepEqual(signals, ['STOP', 'CONT']);
      assert.equal(result.status, 'complete', result.statusReason ?? '');

      const [, during, , recovered] = result.stages;
      const stopped = during!.total;
      const timeouts = stopped.errors['ack-timeout'] ?? 0;
      assert.equal(stopped.counters['published'], DEVICES * BEFORE);
      assert.ok(timeouts > 0, `no ack timeouts counted: ${JSON.stringify(stopped.errors)}`);
      assert.equal((stopped.counters['acked'] ?? 0) + timeouts, DEVICES * BEFORE);

      // Every message once: acknowledged in time, or counted as timed out, never both.
      const total = result.total;
      assert.equal(total.counters['published'], DEVICES * (BEFORE + AFTER));
      assert.equal((total.counters['acked'] ?? 0) + (total.errors['ack-timeout'] ?? 0), DEVICES * (BEFORE + AFTER), JSON.stringify(total.errors));
      // The acks mosquitto sent once continued arrived late, and are counted apart.
      assert.equal(total.counters['ackedLate'], total.errors['ack-timeout']);

      // Recovered: the stage after SIGCONT is acknowledged in full, on the same sessions.
      assert.equal(recovered!.total.counters['acked'], DEVICES * AFTER);
      assert.deepEqual(recovered!.total.errors, {});
      assert.equal(total.errors['connection-lost'], undefined);
    } finally {
      clearTimeout(stopTimer);
      if (signals.at(-1) === 'STOP') process.kill(broker.pid, 'SIGCONT');
      await broker.stop();
    }
  });
});
