import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHistogram, encodeHistogram, recordUs } from '../../src/metrics/histogram.js';
import { renderTimelineCsv } from '../../src/report/csv.js';
import { hgrmFiles, parseHgrm, renderHgrm } from '../../src/report/hgrm.js';
import { fixtureResult, seeded } from './fixture.js';

describe('hgrm', () => {
  it('parses back to the same percentiles the histogram gives', () => {
    const random = seeded(9);
    const h = createHistogram();
    for (let i = 0; i < 50_000; i++) recordUs(h, 200 * Math.exp(random() * random() * 10));
    const rows = parseHgrm(renderHgrm({ encoded: encodeHistogram(h) }));
    assert.ok(rows.length > 50, `${rows.length} rows`);
    assert.equal(rows[rows.length - 1]!.percentile, 1);
    assert.equal(rows[rows.length - 1]!.totalCount, 50_000);
    for (const row of rows) {
      // Values are written in ms with 3 decimals: exact for µs values.
      assert.equal(Math.round(row.valueMs * 1000), h.getValueAtPercentile(row.percentile * 100), `at ${row.percentile}`);
    }
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i]!.totalCount >= rows[i - 1]!.totalCount);
  });

  it('writes one file per histogram of the total, each group, each stage and the broker', () => {
    const files = [...hgrmFiles(fixtureResult({ seed: 1 })).keys()];
    assert.ok(files.includes('total.publishAckUs.hgrm'));
    assert.ok(files.includes('total.eventLoopDelayUs.hgrm'));
    assert.ok(files.includes('group.rsa.connectUs.hgrm'));
    assert.ok(files.includes('stage.1-connect.connectUs.hgrm'));
    assert.equal(files.length, 6 + 5 + 5 + 6);
  });

  it('writes the timeline as CSV, one row per second', () => {
    const result = fixtureResult({ seed: 1, seconds: 4 });
    const lines = renderTimelineCsv(result.timeline).split('\r\n');
    assert.equal(lines[0], 'second,connects,connectFailures,published,acked,errors,connected,inFlight,publishAckP50Us,publishAckP99Us');
    assert.equal(lines.length, 1 + 4 + 1);
    assert.equal(lines[4], `3,0,0,50,50,0,60,3,${result.timeline[3]!.publishAckP50Us},${result.timeline[3]!.publishAckP99Us}`);
  });
});
