/**
 * A reconnect storm whose downtime overlaps token refreshes, on an embedded broker that closes
 * sessions one second after their token expires: a device that missed its refresh while it was
 * down must come back with a fresh token and a new refresh, or it is thrown out later.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { run, scenarioFromObject } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-storm-refresh-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('reconnect storm across token refreshes', () => {
  it('every dropped device comes back and stays, refreshing on time', async () => {
    const loaded = scenarioFromObject(
      {
        name: 'storm-refresh',
        workers: 2,
        embedded: { skew: '1s', expiryDisconnect: true },
        groups: [{ name: 'fleet', count: 12, keys: { store: join(dir, 'fleet.json') }, token: { lifetime: '4s', refreshBefore: '1500ms' } }],
        stages: [
          { type: 'connect' },
          // Half drop at once and come back over 3 s, longer than a refresh period.
          { type: 'reconnect-storm', percent: 50, rate: '2/s' },
          { type: 'publish', rate: '2/s', count: 12, qos: 1 },
          { type: 'disconnect' },
        ],
      },
      'storm-refresh',
    );
    const result = await run(loaded);
    const c = result.total.counters;
    assert.equal(result.status, 'complete', result.statusReason);
    assert.equal(c['dropped'], 6);
    assert.equal(c['reconnects'], 6);
    // No session was closed for an expired token, and every message was acknowledged.
    assert.deepEqual(result.total.errors, {});
    assert.equal(result.broker.metrics?.counters['expiry.disconnected'], undefined);
    assert.equal(c['published'], 144);
    assert.equal(c['acked'], 144);
    assert.equal(c['disconnected'], 12);
  });
});
