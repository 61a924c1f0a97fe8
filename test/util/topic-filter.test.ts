import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchingFilter, topicFilterProblem, topicMatches } from '../../src/util/topic-filter.js';

describe('topic filters (MQTT §4.7)', () => {
  const matches: [string, string, boolean][] = [
    ['/up/device/id/+', '/up/device/id/device-00001', true],
    ['/up/device/id/+', '/up/device/id/a/b', false],
    ['/up/device/id/+', '/up/device/id', false],
    ['/up/#', '/up/device/id/x', true],
    ['sport/#', 'sport', true], // '#' includes the parent level (§4.7.1.2)
    ['+/+', '/finance', true], // an empty first level is a level
    ['/+', '/finance', true],
    ['+', '/finance', false],
    ['#', '$SYS/broker/version', false], // [MQTT-4.7.2-1]
    ['+/broker/version', '$SYS/broker/version', false],
    ['$SYS/#', '$SYS/broker/version', true],
    ['/down/device/id/d1', '/down/device/id/d1', true],
    ['/down/device/id/d1', '/down/device/id/d10', false],
  ];
  for (const [filter, topic, expected] of matches) {
    it(`${filter} ${expected ? 'matches' : 'does not match'} ${topic}`, () => assert.equal(topicMatches(filter, topic), expected));
  }

  const problems: [string, RegExp | undefined][] = [
    ['/up/device/id/+', undefined],
    ['#', undefined],
    ['a/#/b', /"#" must be the whole last level/],
    ['a/b#', /"#" must be the whole last level/],
    ['a/b+/c', /"\+" must be a whole level/],
    ['', /at least one character/],
  ];
  for (const [filter, problem] of problems) {
    it(`"${filter}" is ${problem === undefined ? 'valid' : 'refused'}`, () => {
      const found = topicFilterProblem(filter);
      if (problem === undefined) assert.equal(found, undefined);
      else assert.match(found ?? '', problem);
    });
  }

  it('matches a shared subscription without its $share/<group>/ prefix (MQTT 5 §4.8.2)', () => {
    assert.equal(matchingFilter('$share/g/up/+'), 'up/+');
    assert.equal(matchingFilter('$share/group-1//up/device/id/+'), '/up/device/id/+');
    assert.equal(matchingFilter('/up/device/id/+'), '/up/device/id/+');
    assert.equal(matchingFilter('$SYS/#'), '$SYS/#');
    assert.ok(topicMatches(matchingFilter('$share/g/up/+'), 'up/d1'));
  });
});
