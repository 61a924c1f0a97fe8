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

describe('addEncoded', () => {
  it('adds exactly what a full-size decode would, into every histogram given, whatever they held', () => {
    fc.assert(
      fc.property(values, values, (held, sent) => {
        const source = createHistogram();
        for (const v of sent) recordUs(source, v);
        const encoded = encodeHistogram(source);
        const viaCopy = createHistogram();
        const direct = [createHistogram(), createHistogram()];
        for (const h of [viaCopy, ...direct]) for (const v of held) recordUs(h, v);
        const copy = decodeHistogram(encoded);
        viaCopy.add(copy);
        addEncoded(direct, encoded);
        for (const h of direct) assert.deepEqual(figures(h), figures(viaCopy));
        assert.equal(direct[0]?.totalCount, held.length + sent.length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('bucket counts', () => {
  it('add the same as the encoded histogram they stand for, into every histogram given', () => {
    fc.assert(
      fc.property(values, values, (held, sent) => {
        const source = createHistogram();
        for (const v of sent) recordUs(source, v);
        const viaEncoding = createHistogram();
        const viaCounts = [createHistogram(), createHistogram()];
        for (const h of [viaEncoding, ...viaCounts]) for (const v of held) recordUs(h, v);
        addEncoded([viaEncoding], encodeHistogram(source));
        const counts = bucketCounts(source);
        addBucketCounts(viaCounts, counts);
        for (const h of viaCounts) assert.deepEqual(figures(h), figures(viaEncoding));
        assert.equal(counts.length % 2, 0);
        assert.ok(counts.length / 2 <= sent.length, 'one pair per recorded bucket at most');
      }),
      { numRuns: 200 },
    );
  });

  it('are empty for an empty histogram', () => {
    assert.equal(bucketCounts(createHistogram()).length, 0);
  });
});
