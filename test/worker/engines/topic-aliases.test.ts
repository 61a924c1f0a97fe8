import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TopicAliases } from '../../../src/worker/engines/topic-aliases.js';

describe('topic aliases (MQTT 5 §3.3.2.3.4)', () => {
  it('gives the first topics aliases up to the maximum: the topic once with its alias, then the alias alone', () => {
    const aliases = new TopicAliases(2);
    assert.deepEqual(aliases.use('a'), { topic: 'a', alias: 1 });
    assert.deepEqual(aliases.use('a'), { topic: '', alias: 1 });
    assert.deepEqual(aliases.use('b'), { topic: 'b', alias: 2 });
    assert.deepEqual(aliases.use('c'), { topic: 'c', alias: 0 }, 'beyond the maximum: in full, nothing evicted');
    assert.deepEqual(aliases.use('b'), { topic: '', alias: 2 });
    assert.deepEqual(aliases.use('c'), { topic: 'c', alias: 0 });
  });

  it('sends every topic in full when the broker allows no aliases (Topic Alias Maximum absent: 0)', () => {
    const aliases = new TopicAliases(0);
    assert.deepEqual(aliases.use('a'), { topic: 'a', alias: 0 });
    assert.deepEqual(aliases.use('a'), { topic: 'a', alias: 0 });
  });
});
