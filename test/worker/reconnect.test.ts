import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Clock } from '../../src/util/clock.js';
import { deviceEndpoint } from '../../src/worker/endpoint.js';
import { backoffDelayMs, reconnectWithBackoff } from '../../src/worker/reconnect.js';
import type { ConnectOutcome } from '../../src/worker/engines/session-api.js';

class FakeClock implements Clock {
  nowMsValue = 0;
  nowMs(): number {
    return this.nowMsValue;
  }
  sleepMs(ms: number): Promise<void> {
    this.nowMsValue += ms;
    return Promise.resolve();
  }
}

const plan = { enabled: true, initialDelayMs: 100, maxDelayMs: 1000, maxAttempts: 6 };

describe('reconnect backoff', () => {
  it('doubles from the initial delay up to the cap, jittered to 50-100%', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 60].map((n) => backoffDelayMs(n, plan, () => 1)),
      [100, 200, 400, 800, 1000, 1000, 1000],
    );
    assert.deepEqual(
      [0, 1, 4].map((n) => backoffDelayMs(n, plan, () => 0)),
      [50, 100, 500],
    );
  });

  it('tries until a CONNECT succeeds, sleeping the backoff before each attempt', async () => {
    const clock = new FakeClock();
    const times: number[] = [];
    const outcomes: ConnectOutcome[] = [{ ok: false, reason: 'ECONNREFUSED' }, { ok: false, reason: 'ECONNREFUSED' }, { ok: true }];
    const attempt = (): Promise<ConnectOutcome> => {
      times.push(clock.nowMs());
      return Promise.resolve(outcomes.shift() as ConnectOutcome);
    };
    const outcome = await reconnectWithBackoff(plan, { clock, shouldStop: () => false, random: () => 1, attempt });
    assert.deepEqual(outcome, { ok: true, attempts: 3 });
    assert.deepEqual(times, [100, 300, 700]);
  });

  it('gives up after maxAttempts with the last reason, and stops at once when told', async () => {
    const refused = (): Promise<ConnectOutcome> => Promise.resolve({ ok: false, reason: 'ECONNREFUSED' });
    const gaveUp = await reconnectWithBackoff(plan, { clock: new FakeClock(), shouldStop: () => false, attempt: refused });
    assert.deepEqual(gaveUp, { ok: false, attempts: 6, reason: 'gave-up', lastReason: 'ECONNREFUSED' });
    let calls = 0;
    const clock = new FakeClock();
    const countedRefusal = (): Promise<ConnectOutcome> => {
      calls++;
      return refused();
    };
    const stopped = await reconnectWithBackoff(plan, { clock, shouldStop: () => clock.nowMs() >= 250, random: () => 1, attempt: countedRefusal });
    assert.deepEqual(stopped, { ok: false, attempts: 1, reason: 'stopped', lastReason: 'ECONNREFUSED' });
    assert.equal(calls, 1);
  });
});

describe('device endpoints', () => {
  it('device k: URL k mod n, and each round of URLs takes the next source address', () => {
    const target = { url: 'mqtt://a', urls: ['mqtt://a', 'mqtt://b'], localAddresses: ['127.0.0.2', '127.0.0.3'] };
    const placed = [0, 1, 2, 3, 4].map((k) => deviceEndpoint(target, k));
    assert.deepEqual(placed, [
      { url: 'mqtt://a', localAddress: '127.0.0.2' },
      { url: 'mqtt://b', localAddress: '127.0.0.2' },
      { url: 'mqtt://a', localAddress: '127.0.0.3' },
      { url: 'mqtt://b', localAddress: '127.0.0.3' },
      { url: 'mqtt://a', localAddress: '127.0.0.2' },
    ]);
    assert.deepEqual(deviceEndpoint({ url: 'mqtt://a' }, 7), { url: 'mqtt://a' });
  });
});
