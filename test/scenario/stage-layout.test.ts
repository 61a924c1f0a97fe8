import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseScenario } from '../../src/scenario/load.js';
import { planStageLayout } from '../../src/scenario/plan.js';
import { stageLayout, type LayoutGroup } from '../../src/scenario/stage-layout.js';

/** Every device of the stage as `group:local`, in the order the layout gives them. */
function orderOf(groups: LayoutGroup[], stageGroups: string[], order: 'grouped' | 'interleaved'): string[] {
  const layout = stageLayout(groups, stageGroups, order);
  const slots: string[] = new Array<string>(layout.total).fill('');
  groups.forEach((g, gi) => {
    for (let local = 0; local < g.count; local++) {
      const position = layout.positionOf(gi, local);
      if (position === undefined) continue;
      assert.equal(slots[position], '', `position ${position} is given twice`);
      slots[position] = `${g.name}${local}`;
    }
  });
  return slots;
}

describe('stage layout', () => {
  const ab = [
    { name: 'a', count: 3 },
    { name: 'b', count: 3 },
  ];

  it('grouped: each group after the other', () => {
    assert.deepEqual(orderOf(ab, ['a', 'b'], 'grouped'), ['a0', 'a1', 'a2', 'b0', 'b1', 'b2']);
  });

  it('interleaved: equal groups alternate exactly', () => {
    assert.deepEqual(orderOf(ab, ['a', 'b'], 'interleaved'), ['a0', 'b0', 'a1', 'b1', 'a2', 'b2']);
  });

  it('interleaved: unequal groups take turns while both last, then the surplus; every place is used once', () => {
    const groups = [
      { name: 'a', count: 2 },
      { name: 'b', count: 4 },
      { name: 'c', count: 1 },
    ];
    assert.deepEqual(orderOf(groups, ['a', 'b', 'c'], 'interleaved'), ['a0', 'b0', 'c0', 'a1', 'b1', 'b2', 'b3']);
  });

  it('skips groups the stage does not cover', () => {
    const groups = [
      { name: 'a', count: 2 },
      { name: 'b', count: 2 },
      { name: 'c', count: 2 },
    ];
    assert.deepEqual(orderOf(groups, ['a', 'c'], 'interleaved'), ['a0', 'c0', 'a1', 'c1']);
    assert.equal(stageLayout(groups, ['a', 'c'], 'interleaved').positionOf(1, 0), undefined);
  });

  it('a scenario asks for it per stage with order: interleaved', () => {
    const { plan } = parseScenario(
      `groups:
  - { name: rsa, count: 2, alg: RS256, idPattern: "rsa-{index}" }
  - { name: ec, count: 2, alg: ES256, idPattern: "ec-{index}" }
stages:
  - { type: connect, rate: 10/s, order: interleaved }
  - { type: publish, rate: 1/s, count: 1 }
`,
      'x.yaml',
    );
    assert.equal(plan.stages[0]?.type === 'connect' && plan.stages[0].order, 'interleaved');
    assert.equal(plan.stages[1]?.type === 'publish' && plan.stages[1].order, 'grouped');
    const connect = planStageLayout(plan, plan.stages[0]!);
    assert.deepEqual([connect.positionOf(0, 0), connect.positionOf(1, 0), connect.positionOf(0, 1), connect.positionOf(1, 1)], [0, 1, 2, 3]);
  });
});
