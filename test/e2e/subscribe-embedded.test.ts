/** The subscribe stage against the embedded broker, whose ACL allows only a device's own downlink. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { run, scenarioFromObject } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-subscribe-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('subscribe stage on the embedded broker', () => {
  it('grants every device its own downlink and refuses the uplink wildcard, counting each outcome', async () => {
    const loaded = scenarioFromObject(
      {
        name: 'subscribe-embedded',
        workers: 2,
        groups: [
          { name: 'devices', count: 4, keys: { store: join(dir, 'devices.json') } },
          { name: 'snoop', count: 1, idPattern: 'snoop-{index}', keys: { store: join(dir, 'snoop.json') } },
        ],
        stages: [
          { type: 'connect' },
          { type: 'subscribe', groups: ['devices'] },
          { type: 'subscribe', groups: ['snoop'], topic: '/up/device/id/+', measure: 'uplink' },
          { type: 'disconnect' },
        ],
      },
      'subscribe-embedded',
    );
    const result = await run(loaded);
    assert.equal(result.status, 'complete');
    assert.equal(result.groups['devices']?.counters['subscribed'], 4);
    assert.deepEqual(result.groups['devices']?.errors, {});
    assert.equal(result.groups['snoop']?.counters['subscribed'], undefined);
    assert.deepEqual(result.groups['snoop']?.errors, { 'suback.failure': 1 });
    assert.equal(result.broker.metrics?.counters['acl.denied.subscribe'], 1);
  });
});
