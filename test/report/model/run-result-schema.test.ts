import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseRunResult } from '../../../src/report/model/read.js';
import { runResultJsonSchemaText } from '../../../src/report/model/run-result-schema.js';
import { repoPath } from '../../helpers.js';
import { fixtureResult } from '../fixture.js';

describe('the RunResult format', () => {
  it('docs/run-result.schema.json is the schema generated from the validator (run `npm run schema` after changing it)', () => {
    assert.equal(readFileSync(repoPath('docs/run-result.schema.json'), 'utf8'), runResultJsonSchemaText());
  });

  it('reads a valid report back as it was written', () => {
    const result = fixtureResult({ seed: 1 });
    assert.deepEqual(parseRunResult(JSON.stringify(result), 'r.json'), result);
  });

  it('refuses, with the file and the field, what is not a report of this version', () => {
    assert.throws(() => parseRunResult('{', 'bad.json'), { code: 'ERR_CONFIG', message: /^bad\.json: not JSON: / });
    assert.throws(() => parseRunResult('{"a":1}', 'x.json'), { code: 'ERR_CONFIG', message: 'x.json: not an mqtt-jwt-bench report (no schemaVersion)' });
    assert.throws(() => parseRunResult('{"schemaVersion":1}', 'old.json'), {
      code: 'ERR_CONFIG',
      message: 'old.json: schemaVersion 1, but this version of mqtt-jwt-bench reads 2',
    });
    const broken = { ...fixtureResult({ seed: 1 }), timeline: [{ second: -1 }] };
    assert.throws(() => parseRunResult(JSON.stringify(broken), 'b.json'), {
      code: 'ERR_CONFIG',
      message: /^b\.json: timeline\.0\.second: .*\(and \d+ more problems\)$/,
    });
  });
});
