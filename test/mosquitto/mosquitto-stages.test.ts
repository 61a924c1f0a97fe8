/**
 * The scenario language's stages against mosquitto, a broker we did not write: a connect ramp,
 * a total publish rate with a JSON payload template, downlinks from a backend client, a
 * reconnect storm, and a disconnect at a rate, on MQTT 5 with clean start off and a session
 * expiry. Counts are checked from outside too, by an independent mosquitto_sub.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { run, scenarioFromObject, type RunResult } from '../../src/index.js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { MosquittoBroker } from './broker.js';
import { OutsideSubscriber } from './outside.js';
import { requireMosquittoTools, skipWithoutMosquitto } from './tools.js';

const skip = skipWithoutMosquitto();
const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-mosquitto-stages-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const histogramCount = (result: RunResult, group: string, name: string): number => {
  const h = result.groups[group]?.histograms[name];
  return h === undefined ? 0 : decodeHistogram(h.encoded).totalCount;
};

describe('scenario stages against mosquitto', () => {
  it('ramp, total rate, JSON payload, backend downlinks, reconnect storm and paced disconnect, all counted', { skip }, async () => {
    const tools = requireMosquittoTools();
    const broker = await MosquittoBroker.start(tools.mosquitto, { dir, websockets: false, allowAnonymous: true });
    let outside: OutsideSubscriber | undefined;
    try {
      outside = await OutsideSubscriber.start(tools, broker.controlPort, '/up/device/id/+', 1);
      const loaded = scenarioFromObject(
        {
          name: 'mosquitto-stages',
          broker: `mqtt://127.0.0.1:${broker.port}`,
          workers: 2,
          mqtt: { protocolVersion: 5, clean: false, sessionExpiry: '1m', connectTimeout: '10s' },
          groups: [
            { name: 'backend', count: 1, idPattern: 'backend-{index}', keys: { mode: 'pool', size: 1, store: join(dir, 'backend.json') } },
            {
              name: 'sensors',
              count: 6,
              keys: { mode: 'pool', size: 2, store: join(dir, 'sensors.json') },
              payload: { json: { t: '{random:18.0..26.0}', state: '{choice:ok|warn}', seq: '{seq}', ts: '{timestamp}' } },
            },
          ],
          stages: [
            { type: 'connect', ramp: { from: '20/s', to: '60/s', over: '200ms' } },
            { type: 'subscribe', groups: ['backend'], topic: '/up/device/id/+', measure: 'uplink' },
            { type: 'subscribe', groups: ['sensors'] },
            { type: 'publish', groups: ['sensors'], totalRate: '12/s', count: 3 },
            { type: 'downlink', from: 'backend', groups: ['sensors'], rate: '4/s', count: 2 },
            { type: 'hold', duration: '300ms' },
            { type: 'reconnect-storm', groups: ['sensors'], percent: 50, rate: '30/s' },
            { type: 'publish', groups: ['sensors'], totalRate: '12/s', count: 2 },
            { type: 'hold', duration: '500ms' },
            { type: 'disconnect', rate: '50/s' },
          ],
        },
        'mosquitto-stages',
      );
      const result = await run(loaded);
      assert.equal(result.status, 'complete', `${result.statusReason ?? ''}\n${broker.log}`);
      const sensors = result.groups['sensors']!;
      const backend = result.groups['backend']!;
      assert.deepEqual(sensors.errors, {});
      assert.deepEqual(backend.errors, {});
      assert.deepEqual(sensors.connectFailures, {});
      assert.equal(sensors.counters['connected'], 6);
      assert.equal(sensors.counters['published'], 30);
      assert.equal(sensors.counters['acked'], 30);
      // The backend timed every uplink from the {timestamp} the JSON template put in as a number.
      assert.equal(backend.counters['received'], 30);
      assert.equal(histogramCount(result, 'backend', 'uplinkUs'), 30);
      // The backend sent each sensor 2 downlinks; each sensor received and timed them.
      assert.equal(backend.counters['published'], 12);
      assert.equal(backend.counters['acked'], 12);
      assert.equal(sensors.counters['received'], 12);
      assert.equal(histogramCount(result, 'sensors', 'downlinkUs'), 12);
      // Half the sensors dropped abruptly and came back.
      assert.equal(sensors.counters['dropped'], 3);
      assert.equal(sensors.counters['reconnects'], 3);
      assert.equal(histogramCount(result, 'sensors', 'reconnectUs'), 3);
      assert.equal(sensors.counters['disconnected'], 6);
      // mosquitto_sub, outside the harness, saw every acknowledged uplink.
      assert.equal(await outside.settledCount(30), 30);
    } finally {
      await outside?.stop();
      await broker.stop();
    }
  });
});
