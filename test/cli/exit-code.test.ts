import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runExitCode } from '../../src/cli/exit-code.js';
import type { RunResult, ThresholdOutcome } from '../../src/report/run-result.js';

const outcome = (passed: boolean): ThresholdOutcome => ({ expression: 'x.count<1', source: 'cli', metric: 'x', group: null, aggregate: { kind: 'count' }, op: '<', limit: 1, abortOnFail: false, passed, actual: 0 });

describe('the exit code of a run', () => {
  const cases: [RunResult['status'], boolean, boolean[], number][] = [
    ['complete', false, [], 0],
    ['complete', false, [true, true], 0],
    ['complete', false, [true, false], 99],
    ['interrupted', false, [false], 99],
    ['interrupted', true, [false], 130],
    ['interrupted', true, [], 130],
    ['failed', false, [false], 4],
    ['failed', true, [], 4],
  ];
  for (const [status, signalled, passed, code] of cases) {
    it(`${status}${signalled ? ', signalled' : ''}, thresholds [${passed.join(', ')}] → ${code}`, () => {
      assert.equal(runExitCode({ status, thresholds: passed.map(outcome) }, signalled), code);
    });
  }
});
