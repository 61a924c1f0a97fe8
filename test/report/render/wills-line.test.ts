import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { willsLine } from '../../../src/report/render/console.js';
import type { MetricsSection } from '../../../src/report/model/run-result.js';

const section = (counters: Record<string, number>): MetricsSection => ({ counters, histograms: {}, errors: {}, connectFailures: {} });

describe('the wills line of the console summary', () => {
  it('says how many wills arrived of those the drop stages made the broker owe', () => {
    assert.equal(willsLine(section({ willsExpected: 4, willsReceived: 4 })), 'wills: received 4 of 4 expected · all arrived');
    assert.equal(willsLine(section({ willsExpected: 4, willsReceived: 1 })), 'wills: received 1 of 4 expected · 3 missing');
    assert.equal(willsLine(section({ willsExpected: 2 })), 'wills: received 0 of 2 expected · 2 missing');
    assert.match(willsLine(section({ willsExpected: 1, willsReceived: 3 })) ?? '', /2 more than expected/);
  });

  it('is absent from a run without wills', () => {
    assert.equal(willsLine(section({ published: 10 })), undefined);
  });
});
