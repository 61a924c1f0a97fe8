import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExpiryWatch } from '../../src/broker/expiry-watch.js';
import { PacketSizeFramer } from '../../src/broker/packet-guard.js';
import { reauthFrame } from '../../src/worker/engines/lean/auth-frames.js';

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

  describe('AUTH: the Property Length must fill the body exactly (mqtt-packet does not check it)', () => {
    const good = reauthFrame('CUSTOM-JWT', 'x'.repeat(330));
    const feedAll = (chunks: Uint8Array[]): string => {
      const framer = new PacketSizeFramer(1 << 20);
      return chunks.map((chunk) => framer.feed(chunk)).find((v) => v !== 'ok') ?? 'ok';
    };
    it('passes a re-authentication, whole or a byte at a time, and the packet after it', () => {
      assert.equal(good[1]! & 0x80, 0x80, 'a two-byte Remaining Length, so the Property Length is two bytes too');
      assert.equal(feedAll([good, Uint8Array.from([0xc0, 0x00])]), 'ok');
      assert.equal(feedAll([...good].map((b) => Uint8Array.of(b))), 'ok');
    });
    it('passes the short forms: Remaining Length 0 (Success, no properties) and 1 (a Reason Code alone)', () => {
      assert.equal(feedAll([Uint8Array.from([0xf0, 0x00, 0xf0, 0x01, 0x19, 0xc0, 0x00])]), 'ok');
    });
    it('refuses a Property Length shorter or longer than the body, or a varint that runs out', () => {
      const shorter = Buffer.from(good);
      shorter[4] = 0x80; // the seed of a fuzz failure: declares 256 of the body's 346 property bytes
      assert.equal(feedAll([shorter]), 'malformed');
      assert.equal(feedAll([Uint8Array.from([0xf0, 0x03, 0x19, 0x05, 0x00])]), 'malformed');
      assert.equal(feedAll([Uint8Array.from([0xf0, 0x02, 0x19, 0x80])]), 'malformed');
      assert.equal(feedAll([Uint8Array.from([0xf0, 0x06, 0x19, 0x80, 0x80, 0x80, 0x80, 0x00])]), 'malformed');
    });
  });
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
