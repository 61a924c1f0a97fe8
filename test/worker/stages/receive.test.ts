import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeHistogram } from '../../../src/metrics/histogram.js';
import { Recorder } from '../../../src/metrics/recorder.js';
import { payloadTimestampMs, recordReceived, type Subscription } from '../../../src/worker/stages/receive.js';

describe('a subscriber receiving messages', () => {
  it('reads the send time from the payload field, and nothing else', () => {
    assert.equal(payloadTimestampMs(Buffer.from('{"temperature":21.5,"seq":3,"ts":1795855206123}'), 'ts'), 1795855206123);
    assert.equal(payloadTimestampMs(Buffer.from('{"time":5}'), 'time'), 5);
    assert.equal(payloadTimestampMs(Buffer.from('{"ts":"1795855206123"}'), 'ts'), undefined);
    assert.equal(payloadTimestampMs(Buffer.from('{"other":1}'), 'ts'), undefined);
    assert.equal(payloadTimestampMs(Buffer.from('[1,2]'), 'ts'), undefined);
    assert.equal(payloadTimestampMs(Buffer.from('not json'), 'ts'), undefined);
    assert.equal(payloadTimestampMs(Buffer.alloc(64, 7), 'ts'), undefined);
  });

  it('counts every message and times those with a timestamp into the matching histogram', () => {
    const recorder = new Recorder();
    const subscriptions: Subscription[] = [
      { filter: '/up/device/id/+', measure: 'uplink', timestampField: 'ts' },
      { filter: '/down/device/id/d1', measure: 'downlink', timestampField: 'sentAt' },
    ];
    recordReceived(recorder, subscriptions, '/up/device/id/a', Buffer.from('{"ts":1000}'), 1002.5);
    recordReceived(recorder, subscriptions, '/up/device/id/b', Buffer.from('{"ts":1000}'), 1001);
    recordReceived(recorder, subscriptions, '/down/device/id/d1', Buffer.from('{"sentAt":1000}'), 1010);
    recordReceived(recorder, subscriptions, '/up/device/id/c', Buffer.from('binary'), 1001);
    recordReceived(recorder, subscriptions, '/elsewhere', Buffer.from('{"ts":1}'), 1001);
    const snapshot = recorder.takeInterval();
    assert.deepEqual(snapshot.counters, { received: 5, receivedWithoutTimestamp: 1 });
    const uplink = decodeHistogram(snapshot.histograms['uplinkUs']!);
    assert.equal(uplink.totalCount, 2);
    assert.equal(uplink.minNonZeroValue, 1000);
    assert.ok(Math.abs(uplink.maxValue - 2500) <= 2, String(uplink.maxValue));
    assert.equal(decodeHistogram(snapshot.histograms['downlinkUs']!).totalCount, 1);
  });

  it('counts a message timed as arriving before it was sent (a sender clock ahead), beyond the payload resolution only', () => {
    const recorder = new Recorder();
    const subscriptions: Subscription[] = [{ filter: 'a/+', measure: 'uplink', timestampField: 'ts' }];
    recordReceived(recorder, subscriptions, 'a/1', Buffer.from('{"ts":1000}'), 950); // 50 ms "early"
    recordReceived(recorder, subscriptions, 'a/2', Buffer.from('{"ts":1000}'), 999.5); // rounding of the ms timestamp
    assert.deepEqual(recorder.takeInterval().counters, { received: 2, negativeLatency: 1 });
  });

  it('counts will messages on a wills subscription and times nothing', () => {
    const recorder = new Recorder();
    const subscriptions: Subscription[] = [{ filter: 'wills/#', measure: 'wills', timestampField: 'ts' }];
    recordReceived(recorder, subscriptions, 'wills/d1', Buffer.from('gone'), 1001);
    recordReceived(recorder, subscriptions, 'wills/d2', Buffer.from('{"ts":1000}'), 1001);
    const snapshot = recorder.takeInterval();
    assert.deepEqual(snapshot.counters, { received: 2, willsReceived: 2 });
    assert.deepEqual(snapshot.histograms, {});
  });
});
