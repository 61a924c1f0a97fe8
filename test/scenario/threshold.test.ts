import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareWith, parseThreshold, type Threshold } from '../../src/scenario/threshold.js';

type Parsed = Pick<Threshold, 'metric' | 'group' | 'aggregate' | 'op' | 'limit'>;

describe('the threshold grammar', () => {
  const valid: [string, Parsed][] = [
    ['connect.p(99)<250ms', { metric: 'connect', group: null, aggregate: { kind: 'percentile', percentile: 99 }, op: '<', limit: 250_000 }],
    ['connect.p99<250ms', { metric: 'connect', group: null, aggregate: { kind: 'percentile', percentile: 99 }, op: '<', limit: 250_000 }],
    ['publishAck.p999 <= 50', { metric: 'publishAck', group: null, aggregate: { kind: 'percentile', percentile: 99.9 }, op: '<=', limit: 50_000 }],
    ['publishAck.p(99.99)<1s', { metric: 'publishAck', group: null, aggregate: { kind: 'percentile', percentile: 99.99 }, op: '<', limit: 1_000_000 }],
    ['publishAck.p9999<1s', { metric: 'publishAck', group: null, aggregate: { kind: 'percentile', percentile: 99.99 }, op: '<', limit: 1_000_000 }],
    ['sign.p50<800us', { metric: 'sign', group: null, aggregate: { kind: 'percentile', percentile: 50 }, op: '<', limit: 800 }],
    ['sign.p100<2ms', { metric: 'sign', group: null, aggregate: { kind: 'percentile', percentile: 100 }, op: '<', limit: 2000 }],
    ['connect{group=rsa-2048}.avg<20ms', { metric: 'connect', group: 'rsa-2048', aggregate: { kind: 'avg' }, op: '<', limit: 20_000 }],
    ['connectUs.max<=1.5s', { metric: 'connectUs', group: null, aggregate: { kind: 'max' }, op: '<=', limit: 1_500_000 }],
    ['sendLag.min>=0', { metric: 'sendLag', group: null, aggregate: { kind: 'min' }, op: '>=', limit: 0 }],
    ['acked.count>=1000', { metric: 'acked', group: null, aggregate: { kind: 'count' }, op: '>=', limit: 1000 }],
    ['acked.count==4000', { metric: 'acked', group: null, aggregate: { kind: 'count' }, op: '==', limit: 4000 }],
    ['connected.count!=0', { metric: 'connected', group: null, aggregate: { kind: 'count' }, op: '!=', limit: 0 }],
    ['acked.rate>100/s', { metric: 'acked', group: null, aggregate: { kind: 'rate' }, op: '>', limit: 100 }],
    ['acked.rate>600/min', { metric: 'acked', group: null, aggregate: { kind: 'rate' }, op: '>', limit: 10 }],
    ['acked.rate>2.5', { metric: 'acked', group: null, aggregate: { kind: 'rate' }, op: '>', limit: 2.5 }],
    ['error_rate<1%', { metric: null, group: null, aggregate: { kind: 'error_rate' }, op: '<', limit: 0.01 }],
    ['error_rate<0.05', { metric: null, group: null, aggregate: { kind: 'error_rate' }, op: '<', limit: 0.05 }],
    ['error_rate{group=ec}<=.5%', { metric: null, group: 'ec', aggregate: { kind: 'error_rate' }, op: '<=', limit: 0.005 }],
    ['connect.error_rate<2%', { metric: 'connect', group: null, aggregate: { kind: 'error_rate' }, op: '<', limit: 0.02 }],
    ['publish{group=ec}.error_rate==0', { metric: 'publish', group: 'ec', aggregate: { kind: 'error_rate' }, op: '==', limit: 0 }],
  ];
  for (const [text, expected] of valid) {
    it(`parses ${text}`, () => {
      const t = parseThreshold(text, { source: 'cli' });
      assert.deepEqual({ metric: t.metric, group: t.group, aggregate: t.aggregate, op: t.op, limit: t.limit }, expected);
      assert.equal(t.expression, text.trim());
      assert.equal(t.source, 'cli');
      assert.equal(t.abortOnFail, false);
    });
  }

  const invalid: [string, RegExp][] = [
    ['', /is not a threshold like/],
    ['connect<250ms', /name an aggregate after the metric, like connect\.p\(99\)/],
    ['connect.p(99)', /is not a threshold like/],
    ['connect.p(99)=250ms', /is not a threshold like/],
    ['connect.p(101)<1s', /a percentile must be within 0 and 100 \(got 101\)/],
    ['connect.median<1s', /unknown aggregate "median"/],
    ['connect.p(x)<1s', /unknown aggregate "p\(x\)"/],
    ['connect.p99<fast', /"fast" is not a number with an optional unit/],
    ['connect.p99<1%', /a latency limit takes us, ms or s \(got %\)/],
    ['connect.p99<-1ms', /is not a number/],
    ['acked.rate>5ms', /a rate limit takes \/s or \/min \(got ms\)/],
    ['error_rate<5', /must be within 0 and 1 \(got 5\)/],
    ['error_rate<5/s', /an error rate is a fraction like 0\.01 or a percentage/],
    ['acked.count>1.5', /a count limit is a whole number without a unit/],
    ['acked.count>10ms', /a count limit is a whole number without a unit/],
    ['connect{grp=a}.p99<1s', /is not a threshold like/],
    ['connect.p99<1s extra', /is not a threshold like/],
  ];
  for (const [text, message] of invalid) {
    it(`refuses ${JSON.stringify(text)}`, () => assert.throws(() => parseThreshold(text), { code: 'ERR_CONFIG', message }));
  }

  const comparisons: [number, Threshold['op'], number, boolean][] = [
    [1, '<', 2, true],
    [2, '<', 2, false],
    [2, '<=', 2, true],
    [3, '>', 2, true],
    [2, '>', 2, false],
    [2, '>=', 2, true],
    [2, '==', 2, true],
    [2, '!=', 2, false],
    [1, '!=', 2, true],
  ];
  for (const [actual, op, limit, passed] of comparisons) {
    it(`${actual} ${op} ${limit} is ${passed}`, () => assert.equal(compareWith(actual, op, limit), passed));
  }
});
