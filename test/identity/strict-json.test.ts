import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseStrictJson } from '../../src/identity/strict-json.js';

describe('parseStrictJson: JSON.parse that refuses duplicate member names (RFC 7515 §5.2)', () => {
  const table: [string, unknown][] = [
    ['{"alg":"ES256","kid":"k"}', { alg: 'ES256', kid: 'k' }],
    ['{"a":{"b":1},"b":{"a":2}}', { a: { b: 1 }, b: { a: 2 } }],
    ['[{"a":1},{"a":2}]', [{ a: 1 }, { a: 2 }]],
    ['{"a":"\\"a\\":","b":["a","a"]}', { a: '"a":', b: ['a', 'a'] }],
    ['{"a":"x\\\\","b":1}', { a: 'x\\', b: 1 }],
    [' { "a" : 1 , "b" : 2 } ', { a: 1, b: 2 }],
    ['{"alg":"none","alg":"ES256"}', undefined],
    ['{"aud":"x","\\u0061ud":"y"}', undefined],
    ['{"a":{"b":1,"b":2}}', undefined],
    ['[{"a":1,"a":1}]', undefined],
    ['{"a":1', undefined],
    ['', undefined],
  ];
  for (const [text, expected] of table) {
    it(`${text || '(empty)'} → ${expected === undefined ? 'refused' : 'parsed'}`, () => assert.deepEqual(parseStrictJson(text), expected));
  }
});
