import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectFailedCounter, errorCounter, isErrorCounter, METRIC, sessionErrorCounter } from '../../src/metrics/metric-names.js';
import { MetricsTotals } from '../../src/metrics/snapshot.js';
import { metricsSection } from '../../src/report/model/run-result.js';

describe('metric names', () => {
  it('name failures with the prefixes the report splits its sections by', () => {
    const totals = new MetricsTotals();
    const counters = {
      [METRIC.published]: 3,
      [errorCounter('ack-timeout')]: 1,
      [sessionErrorCounter('suback.failure')]: 2,
      [connectFailedCounter('not-authorized')]: 4,
    };
    totals.add({ counters, histograms: {} });
    const section = metricsSection(totals);
    assert.deepEqual(section.counters, { published: 3 });
    assert.deepEqual(section.errors, { 'ack-timeout': 1, 'suback.failure': 2 });
    assert.deepEqual(section.connectFailures, { 'not-authorized': 4 });
    assert.deepEqual(Object.keys(counters).filter(isErrorCounter), ['errors.ack-timeout', 'errors.suback.failure']);
  });
});
