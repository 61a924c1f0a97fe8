/** docs/library.md's example runs, and the docs show it as it is. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runExample } from '../../examples/run-from-code.js';
import { repoPath } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-example-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('the library example', () => {
  it('runs a scenario object and resolves to the RunResult the CLI writes', async () => {
    const result = await runExample(dir);
    assert.equal(result.status, 'complete', result.statusReason);
    assert.equal(result.schemaVersion, 2);
    assert.equal(result.scenario.name, 'library-example');
    assert.equal(result.total.counters['connected'], 20);
    assert.equal(result.total.counters['published'], 80);
    assert.equal(result.total.counters['acked'], 80);
    assert.deepEqual(result.total.errors, {});
    assert.deepEqual(
      result.thresholds.map((t) => [t.expression, t.passed]),
      [
        ['connect.error_rate<1%', true],
        ['publish.error_rate<1%', true],
      ],
    );
  });

  it('is shown whole in docs/library.md', () => {
    const doc = readFileSync(repoPath('docs/library.md'), 'utf8');
    const source = readFileSync(repoPath('examples/run-from-code.ts'), 'utf8');
    assert.ok(doc.includes('```ts\n' + source + '```'), 'docs/library.md must quote examples/run-from-code.ts exactly');
  });
});
