/**
 * The public API is pinned: the package's entry points (package.json `exports`) export exactly
 * what test/api/public-api.txt lists, with the types it prints, and docs/library.md documents
 * every name. A change to the API fails here with a readable diff; when it is deliberate,
 * `npm run api:update` rewrites the list, and the diff is reviewed as the API change it is.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { repoPath } from '../helpers.js';
import { entryPoints, publicApi } from './public-api.js';

const entries = entryPoints();
const api = publicApi(entries);

describe('the public API', () => {
  it('has the entry points docs/library.md names', () => {
    assert.deepEqual(
      entries.map((e) => e.specifier),
      ['mqtt-jwt-bench', 'mqtt-jwt-bench/report', 'mqtt-jwt-bench/broker', 'mqtt-jwt-bench/scenario'],
    );
    for (const entry of entries) {
      assert.ok(existsSync(repoPath(entry.types)), entry.types);
      assert.ok(existsSync(repoPath(entry.js)), entry.js);
    }
  });

  it('is the one test/api/public-api.txt pins (if the change is deliberate: npm run api:update)', () => {
    assert.equal(api.text, readFileSync(repoPath('test/api/public-api.txt'), 'utf8'));
  });

  it('exports at run time exactly the values its declarations name, through the package name', async () => {
    for (const entry of entries) {
      const module = (await import(entry.specifier)) as Record<string, unknown>;
      assert.deepEqual(Object.keys(module).sort(), [...(api.values.get(entry.specifier) ?? [])].sort(), entry.specifier);
    }
  });

  it('keeps the internals out: no RunPlan part, no shim, no test hook', () => {
    for (const name of [
      'GroupPlan',
      'KeySourcePlan',
      'RunPlan',
      'StagePlan',
      'PayloadPlan',
      'compilePayload',
      'checkPreflight',
      'METRIC',
      'EXIT_WORKER',
      'runPlan',
      'WorkerFaults',
    ])
      assert.equal(api.names.has(name), false, name);
  });

  it('is documented: docs/library.md names every export', () => {
    const code = (readFileSync(repoPath('docs/library.md'), 'utf8').match(/`[^`\n]+`/g) ?? []).join(' ');
    const missing = [...api.names].filter((name) => !new RegExp(`\\b${name}\\b`).test(code));
    assert.deepEqual(missing, []);
  });

  it('ships no test code: package.json `files` holds the built src/ and the scenarios only', () => {
    const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { files: string[] };
    assert.deepEqual(pkg.files, ['dist/src', 'scenarios']);
  });
});
