/** Saturation advice names its cause: a refresh storm is not cured by more workers (issue 24, item 6). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunResult } from '../../../src/report/model/run-result.js';
import { trustInWords, trustOf } from '../../../src/report/judge/trust.js';
import { fixtureResult } from '../fixture.js';

function saturated(refreshes: number): RunResult {
  const r = fixtureResult({ seed: 3, seconds: 20 });
  // Only what the verdict reads: saturated, and why.
  r.generator = { saturated: true, reasons: ['event-loop delay p99 120 ms'] } as unknown as RunResult['generator'];
  r.total = { ...r.total, counters: { ...r.total.counters, refreshes } };
  return r;
}

describe('saturation advice', () => {
  it('names a refresh storm as the cause, with its rate, instead of advising more workers', () => {
    // 60 devices refreshed 7,940 times in 20 s.
    const words = trustInWords(trustOf(saturated(7940))).join('\n');
    assert.match(words, /GENERATOR SATURATED/);
    assert.match(words, /REFRESH STORM: 7,940 token-refresh reconnects in 20\.0 s \(397\/s, 132\.3 per device\)/);
    assert.match(words, /Lengthen token\.lifetime or shorten token\.refreshBefore/);
    assert.doesNotMatch(words, /Use more workers/);
  });

  it('keeps the usual advice when refreshes were few', () => {
    const words = trustInWords(trustOf(saturated(60))).join('\n');
    assert.doesNotMatch(words, /REFRESH STORM/);
    assert.match(words, /Use more workers, processes or machines, or a lower rate/);
  });
});
