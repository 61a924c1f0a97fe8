/**
 * Scenario fuzzing: whatever text a user (or a fuzzer) hands `run`, loading ends in a valid plan
 * or in one ConfigError (exit 2), never another exception and never a hang (each property is
 * bounded in runs, and the node:test timeout fails a hang). Seeds are printed by fast-check on
 * failure, so a counterexample can be replayed with `{ seed, path }`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { ConfigError } from '../../src/errors.js';
import { parseScenario } from '../../src/scenario/load.js';

const BASE = {
  name: 'fuzz',
  workers: 1,
  groups: [{ name: 'a', count: 10, alg: 'ES256', keys: { mode: 'per-device' }, token: { lifetime: '20m' }, payload: '{"seq":{seq}}' }],
  stages: [{ type: 'connect', rate: '100/s' }, { type: 'publish', rate: '1/s', duration: '5s', qos: 1 }, { type: 'disconnect' }],
};
const BASE_YAML = stringify(BASE);
const RUNS = 300;

/** Loads `text`; anything but success or a ConfigError with exit 2 fails the property. */
function loadsOrConfigError(text: string, sets: string[] = []): void {
  try {
    parseScenario(text, 'fuzz.yaml', { env: { HOME: '/root' }, sets });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw new Error(`not a ConfigError: ${String(error)}`, { cause: error });
    assert.equal(error.exitCode, 2);
    assert.ok(error.message.length > 0);
  }
}

/** Values that have broken parsers elsewhere: NaN, infinities, huge and tiny numbers, odd text. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Infinity,
    -Infinity,
    -0,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 64,
    -1,
    0.5,
    1e-320,
    '',
    '0x1F',
    '1e999/s',
    '-5s',
    '∞',
    null,
    true,
    [],
    {},
  ),
  fc.double(),
  fc.bigInt().map((n) => Number(n)),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.jsonValue({ maxDepth: 4 }),
);

/** A path into BASE: top-level keys, group 0's keys, or a stage's keys. */
const basePath: fc.Arbitrary<(string | number)[]> = fc.oneof(
  fc.constantFrom<(string | number)[]>(['name'], ['workers'], ['broker'], ['groups'], ['stages'], ['mqtt'], ['tls'], ['thresholds'], ['embedded']),
  fc.constantFrom('name', 'count', 'alg', 'keys', 'token', 'payload', 'topic', 'idPattern', 'lifetime').map((k) => ['groups', 0, k]),
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.constantFrom('type', 'rate', 'duration', 'count', 'qos', 'groups', 'retain')).map(([i, k]) => ['stages', i, k]),
);

function setPath(root: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = value;
  return copy;
}

describe('scenario fuzzing: every input ends in a plan or a ConfigError (exit 2)', () => {
  it('arbitrary unicode text', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (text) => loadsOrConfigError(text)),
      { numRuns: RUNS },
    );
  });

  it('arbitrary bytes read as UTF-8', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => loadsOrConfigError(Buffer.from(bytes).toString('utf8'))),
      { numRuns: RUNS },
    );
  });

  it('arbitrary JSON documents, including objects with groups and stages of any shape', { timeout: 60_000 }, () => {
    const doc = fc.oneof(
      fc.jsonValue({ maxDepth: 6 }),
      fc.record({ groups: fc.jsonValue({ maxDepth: 4 }), stages: fc.jsonValue({ maxDepth: 4 }) }, { requiredKeys: [] }),
    );
    fc.assert(
      fc.property(doc, (value) => loadsOrConfigError(JSON.stringify(value) ?? 'null')),
      { numRuns: RUNS },
    );
  });

  it('a valid scenario with one field replaced by a hostile value (NaN, infinities, huge numbers, wrong types)', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(basePath, hostile, fc.boolean(), (path, value, asJson) => {
        const mutated = setPath(BASE, path, value);
        // YAML keeps .nan and .inf; JSON turns them into null, which is another wrong type.
        loadsOrConfigError(asJson ? JSON.stringify(mutated) : stringify(mutated));
      }),
      { numRuns: RUNS },
    );
  });

  it('the valid YAML text with characters inserted, deleted or replaced', { timeout: 60_000 }, () => {
    const edit = fc.tuple(fc.nat({ max: BASE_YAML.length }), fc.nat({ max: 8 }), fc.string({ unit: 'grapheme', maxLength: 8 }));
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
        let text = BASE_YAML;
        for (const [at, remove, insert] of edits) text = text.slice(0, at) + insert + text.slice(at + remove);
        loadsOrConfigError(text);
      }),
      { numRuns: RUNS },
    );
  });

  it('deep nesting, as flow and block collections, at the top and inside a field', { timeout: 60_000 }, () => {
    const nested = fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.constantFrom('flow-seq', 'flow-map', 'block-map', 'in-field'));
    fc.assert(
      fc.property(nested, ([depth, shape]) => {
        if (shape === 'flow-seq') loadsOrConfigError(`${'['.repeat(depth)}${']'.repeat(depth)}`);
        else if (shape === 'flow-map') loadsOrConfigError(`${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`);
        else if (shape === 'block-map') loadsOrConfigError(Array.from({ length: Math.min(depth, 2000) }, (_, i) => `${' '.repeat(i)}a:`).join('\n'));
        else loadsOrConfigError(BASE_YAML.replace('name: fuzz', `name: ${'['.repeat(depth)}${']'.repeat(depth)}`));
      }),
      { numRuns: 25 },
    );
  });

  it('--set overrides of any path and value, __proto__ included, pollute nothing', { timeout: 60_000 }, () => {
    const segment = fc.oneof(
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'groups', 'stages', '0', '1', '99999999', '-1', 'count', ''),
      fc.string({ maxLength: 6 }),
    );
    const set = fc
      .tuple(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.string({ unit: 'grapheme', maxLength: 12 }))
      .map(([path, value]) => `${path.join('.')}=${value}`);
    fc.assert(
      fc.property(fc.array(set, { minLength: 1, maxLength: 3 }), (sets) => {
        loadsOrConfigError(BASE_YAML, sets);
        assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
        assert.deepEqual(Object.keys(Object.prototype), []);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses --set through __proto__ or constructor by name', () => {
    for (const set of ['__proto__.polluted=1', 'groups.0.__proto__.polluted=1', 'constructor.prototype.polluted=1']) {
      assert.throws(() => parseScenario(BASE_YAML, 'fuzz.yaml', { sets: [set] }), { code: 'ERR_CONFIG', message: /not a scenario field/ });
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    }
  });
});
