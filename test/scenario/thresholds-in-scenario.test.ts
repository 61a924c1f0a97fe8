import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseScenario } from '../../src/scenario/load.js';
import { configProblems } from '../support/config-problems.js';

const base = `groups:
  - name: a
    count: 10
stages:
  - type: connect
thresholds:
`;

const problems = configProblems;

describe('thresholds in a scenario', () => {
  it('parses strings and objects into the plan, abortOnFail defaulting to false', () => {
    const { plan } = parseScenario(`${base}  - connect.p(99)<250ms\n  - threshold: connected.count<11\n    abortOnFail: true\n`, 'x.yaml');
    assert.deepEqual(
      plan.thresholds.map((t) => [t.expression, t.abortOnFail, t.source, t.limit]),
      [
        ['connect.p(99)<250ms', false, 'scenario', 250_000],
        ['connected.count<11', true, 'scenario', 11],
      ],
    );
    assert.deepEqual(parseScenario(base.replace('thresholds:\n', ''), 'x.yaml').plan.thresholds, []);
  });

  it('names the line of a threshold that does not parse, with every problem at once', () => {
    assert.deepEqual(problems(`${base}  - connect.p99<soon\n  - threshold: acked.count>10\n    abortOnFail: true\n`), [
      'x.yaml:7:5 thresholds.0: "connect.p99<soon": "soon" is not a number with an optional unit (us, ms, s, %, /s, /min)',
      'x.yaml:9:18 thresholds.1.abortOnFail: cannot stop a run on "acked.count>10": it is crossed until enough has happened; only < and <= limits on counts and rates can abort',
    ]);
  });
});
