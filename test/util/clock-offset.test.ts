import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateOffset, offsetOf, type ClockSample } from '../../src/util/clock-offset.js';

/** A sample whose reference runs `offsetMs` ahead of local time, with legs of `outMs` and `backMs`. */
function sample(t1: number, offsetMs: number, outMs: number, backMs: number, holdMs = 0.05): ClockSample {
  const t2 = t1 + outMs + offsetMs;
  const t3 = t2 + holdMs;
  return { t1, t2, t3, t4: t3 - offsetMs + backMs };
}

describe('clock offset, NTP-style (RFC 5905 §8)', () => {
  const cases: [string, number, number, number][] = [
    // name, true offset, out leg, back leg
    ['symmetric legs: exact', 50, 1, 1],
    ['a reference behind', -50, 0.4, 0.4],
    ['asymmetric legs: off by half the difference', 50, 3, 1],
    ['no offset', 0, 0.2, 0.9],
  ];
  for (const [name, offsetMs, outMs, backMs] of cases) {
    it(`${name} (offset ${offsetMs}, legs ${outMs}/${backMs} ms)`, () => {
      const o = offsetOf(sample(1_000_000, offsetMs, outMs, backMs));
      assert.ok(Math.abs(o.offsetMs - (offsetMs + (outMs - backMs) / 2)) < 1e-6, String(o.offsetMs));
      assert.ok(Math.abs(o.roundTripMs - (outMs + backMs)) < 1e-6, String(o.roundTripMs));
      // The true offset always lies within half the round trip of the estimate.
      assert.ok(Math.abs(o.offsetMs - offsetMs) <= o.roundTripMs / 2 + 1e-9);
    });
  }

  it("keeps the burst's lowest round trip, and half of it is the uncertainty", () => {
    const burst = [sample(0, -50, 9, 1), sample(20, -50, 0.3, 0.35), sample(40, -50, 1, 6)];
    const estimate = estimateOffset(burst, 60);
    assert.ok(estimate !== undefined);
    assert.equal(estimate.samples, 3);
    assert.equal(estimate.atMs, 60);
    assert.ok(Math.abs(estimate.uncertaintyMs - 0.325) < 1e-6, String(estimate.uncertaintyMs));
    assert.ok(Math.abs(estimate.offsetMs - -50) <= estimate.uncertaintyMs, String(estimate.offsetMs));
  });

  it('makes no estimate of no samples', () => {
    assert.equal(estimateOffset([], 0), undefined);
  });
});
