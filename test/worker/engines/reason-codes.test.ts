import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReasonCodes } from 'mqtt/lib/handlers/ack';
import { connackReason, disconnectReason, isFailure, reasonName, refusedReason, subackReason } from '../../../src/worker/engines/reason-codes.js';

describe('reason codes (MQTT 5 §2.4 Table 2-6)', () => {
  it("names every code the spec has, and agrees with MQTT.js's own table on each", () => {
    // MQTT.js's table (lib/handlers/ack.ts) holds the spec's words; ours is the same words in kebab case.
    const theirs = Object.entries(ReasonCodes as Record<string, string>).filter(([code]) => Number(code) >= 0x10);
    assert.equal(theirs.length, 37);
    for (const [code, words] of theirs) {
      const expected = words.toLowerCase().replace(/ /g, '-').replace('user-name', 'username');
      assert.equal(reasonName(Number(code)), expected, `0x${Number(code).toString(16)}`);
    }
  });

  it('counts by family, and a code outside the table keeps its number', () => {
    assert.equal(refusedReason(0x87), 'refused.not-authorized');
    assert.equal(refusedReason(0x97), 'refused.quota-exceeded');
    assert.equal(disconnectReason(0x89), 'disconnected.server-busy');
    assert.equal(disconnectReason(0x8e), 'disconnected.session-taken-over');
    assert.equal(connackReason(0x9f, 5), 'connection-rate-exceeded');
    assert.equal(connackReason(0x83, 5), 'implementation-specific-error');
    assert.equal(connackReason(0x9c, 5), 'use-another-server');
    assert.equal(subackReason(0xa2, 5), 'suback.wildcard-subscriptions-not-supported');
    assert.equal(reasonName(0xfe), 'code-254');
  });

  it('keeps MQTT 3.1.1 as it was: its CONNACK return codes, and SUBACK 0x80 a failure', () => {
    assert.equal(connackReason(5, 4), 'not-authorized');
    assert.equal(connackReason(4, 4), 'bad-username-or-password');
    assert.equal(connackReason(0x87, 4), 'connack-135');
    assert.equal(subackReason(0x80, 4), 'suback.failure');
    assert.ok(isFailure(0x80));
  });

  it('0x10 no matching subscribers is no failure; 0x80 and above are', () => {
    assert.equal(isFailure(0x10), false);
    assert.equal(isFailure(0x00), false);
    assert.equal(isFailure(0x87), true);
    assert.equal(reasonName(0x10), 'no-matching-subscribers');
  });
});
