import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  addBucketCounts,
  addEncoded,
  bucketCounts,
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  HIGHEST_TRACKABLE_US,
  recordUs,
  type Histogram,
} from '../../src/metrics/histogram.js';

/** Every figure a report reads from a histogram, and its own encoding. */
function figures(h: Histogram): unknown {
  return {
    count: h.totalCount,
    min: h.minNonZeroValue,
    max: h.maxValue,
    mean: h.mean,
    percentiles: [0, 1, 50, 90, 99, 99.9, 100].map((p) => h.getValueAtPercentile(p)),
    encoded: encodeHistogram(h),
  };
}

const values = fc.array(fc.oneof(fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 1, max: HIGHEST_TRACKABLE_US })), { maxLength: 200 });

describe('adding a worker histogram', () => {
  it('gives the same sums, minimum, maximum and encoding by a full-size decode, addEncoded or bucket counts, whatever the totals held', () => {
    fc.assert(
      fc.property(values, values, (held, sent) => {
        const source = createHistogram();
        for (const v of sent) recordUs(source, v);
        const [viaCopy, ...others] = Array.from({ length: 5 }, () => createHistogram()) as [Histogram, ...Histogram[]];
        for (const h of [viaCopy, ...others]) for (const v of held) recordUs(h, v);
        const encoded = encodeHistogram(source);
        viaCopy.add(decodeHistogram(encoded));
        for (const h of others.slice(0, 2)) addEncoded(h, encoded);
        const counts = bucketCounts(source);
        for (const h of others.slice(2)) addBucketCounts(h, counts);
        for (const h of others) assert.deepEqual(figures(h), figures(viaCopy));
        assert.equal(viaCopy.totalCount, held.length + sent.length);
        assert.equal(counts.length % 2, 0);
        assert.ok(counts.length / 2 <= sent.length, 'one pair per recorded bucket at most');
      }),
      { numRuns: 300 },
    );
  });

  it('sends no bucket counts for an empty histogram', () => {
    assert.equal(bucketCounts(createHistogram()).length, 0);
  });
});
