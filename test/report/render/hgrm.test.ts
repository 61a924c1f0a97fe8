import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHistogram, encodeHistogram, recordUs } from '../../../src/metrics/histogram.js';
import { renderTimelineCsv } from '../../../src/report/render/csv.js';
import { hgrmFiles, parseHgrm, renderHgrm } from '../../../src/report/render/hgrm.js';
import { fixtureResult, seeded } from '../fixture.js';

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

  it('writes the timeline as CSV from the first stage, one row per second, gaps filled, each row naming its stage', () => {
    const result = fixtureResult({ seed: 1, seconds: 8 });
    // The first stage began 1.0 s into the run (fixture), and no worker reported in second 5.
    result.timeline = result.timeline.filter((p) => p.second !== 5);
    result.timeline[2]!.lost = 3;
    const lines = renderTimelineCsv(result).split('\r\n');
    assert.equal(
      lines[0],
      'second,stage,connects,connectFailures,published,acked,errors,connected,inFlight,publishAckP50Us,publishAckP99Us,lost,reconnects,refreshes',
    );
    assert.equal(lines.length, 1 + 7 + 1, 'seconds 1 to 7 of the run, as 0 to 6');
    assert.equal(lines[1], '0,1 connect,20,0,0,0,0,40,0,0,0,0,0,0');
    assert.equal(lines[2], '1,1 connect,20,0,0,0,0,60,0,0,0,3,0,0');
    const p3 = result.timeline.find((p) => p.second === 4)!;
    assert.equal(lines[4], `3,after,0,0,50,50,0,60,3,${p3.publishAckP50Us},${p3.publishAckP99Us},0,0,0`);
    assert.equal(lines[5], '4,after,0,0,0,0,0,60,3,0,0,0,0,0', 'a second with no report: nothing counted, gauges carried');
  });
});
