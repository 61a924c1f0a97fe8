import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExpiryWatch } from '../../src/broker/expiry-watch.js';
import { PacketSizeFramer } from '../../src/broker/packet-guard.js';

describe('PacketSizeFramer', () => {
  const cases: { name: string; chunks: number[][]; max: number; want: string }[] = [
    { name: 'PINGREQ (no body)', chunks: [[0xc0, 0x00]], max: 10, want: 'ok' },
    { name: 'a packet exactly at the limit', chunks: [[0x30, 0x08, 1, 2, 3, 4, 5, 6, 7, 8]], max: 10, want: 'ok' },
    { name: 'one byte over the limit', chunks: [[0x30, 0x09]], max: 10, want: 'too-large' },
    { name: 'a two-byte length (200) over a limit of 100', chunks: [[0x10, 0xc8, 0x01]], max: 100, want: 'too-large' },
    { name: 'a header split across chunks', chunks: [[0x10], [0xc8], [0x01]], max: 1000, want: 'ok' },
    {
      name: 'a body split across chunks, then the next packet',
      chunks: [
        [0x30, 0x04, 1],
        [2, 3],
        [4, 0xc0, 0x00],
      ],
      max: 10,
      want: 'ok',
    },
    { name: 'a second packet over the limit', chunks: [[0xc0, 0x00, 0x30, 0x7f]], max: 100, want: 'too-large' },
    { name: 'a five-byte Remaining Length (MQTT 3.1.1 §2.2.3)', chunks: [[0x30, 0xff, 0xff, 0xff, 0xff]], max: 1 << 30, want: 'malformed' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const framer = new PacketSizeFramer(c.max);
      const verdicts = c.chunks.map((chunk) => framer.feed(Uint8Array.from(chunk)));
      assert.equal(verdicts.find((v) => v !== 'ok') ?? 'ok', c.want);
    });
  }
});

describe('ExpiryWatch', () => {
  it('hands out sessions only once they are past exp + skew, and each only once', () => {
    const watch = new ExpiryWatch<string>(60);
    watch.track('a', 1000);
    watch.track('b', 1010.5);
    watch.track('c', 2000);
    assert.deepEqual(watch.takeDue(1059), []);
    assert.deepEqual(watch.takeDue(1060), ['a']);
    assert.deepEqual(watch.takeDue(1071), ['b']);
    assert.deepEqual(watch.takeDue(1071), []);
    assert.equal(watch.size, 1);
  });

  it('forgets untracked sessions and re-tracks a new exp', () => {
    const watch = new ExpiryWatch<string>(0);
    watch.track('a', 10);
    watch.untrack('a');
    watch.track('b', 10);
    watch.track('b', 50);
    assert.deepEqual(watch.takeDue(20), []);
    assert.deepEqual(watch.takeDue(50), ['b']);
    assert.equal(watch.size, 0);
  });
});
