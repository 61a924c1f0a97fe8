/** compare opens with what differs between the plans, and names its columns by it (issue 24, item 7). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelsFromPlans, planDifferences, planDifferencesLine } from '../../../src/report/compare/plan-differences.js';
import type { RunResult } from '../../../src/report/model/run-result.js';
import { fixtureResult } from '../fixture.js';

function withAlg(alg: 'ES256' | 'RS256', count: number): RunResult {
  const r = fixtureResult({ seed: 1 });
  const plan = r.scenario.plan;
  return { ...r, scenario: { ...r.scenario, name: 'quick', plan: { ...plan, groups: plan.groups.map((g) => ({ ...g, alg, count })) } } };
}

describe('plan differences', () => {
  it('names the fields that differ, in order, and labels the columns by the first', () => {
    const runs = [withAlg('ES256', 20), withAlg('RS256', 40)];
    assert.deepEqual(
      planDifferences(runs).map((d) => d.field),
      ['alg', 'devices'],
    );
    assert.equal(planDifferencesLine(planDifferences(runs)), 'plans differ in alg (ES256 → RS256), devices (40 → 80)');
    assert.deepEqual(labelsFromPlans(runs), ['quick alg=ES256', 'quick alg=RS256']);
  });

  it('says when the plans are the same, and leaves the labels to the file names', () => {
    const runs = [withAlg('ES256', 20), withAlg('ES256', 20)];
    assert.match(planDifferencesLine(planDifferences(runs)), /^plans: the same scenario/);
    assert.equal(labelsFromPlans(runs), undefined);
  });
});
