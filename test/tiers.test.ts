/**
 * The test tiers (package.json tier:unit, tier:e2e, tier:brokers) are chosen by folder: e2e and
 * brokers name theirs, unit runs every other test file. This keeps them a partition: unit leaves
 * out exactly the other tiers' folders, no folder is in two tiers, and each folder exists, so
 * every test file runs in exactly one tier of `npm test`.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { repoPath } from './helpers.js';

const scripts = (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** The folders a tier's `find` starts from, or (for unit) leaves out. */
function foldersOf(script: string | undefined, pattern: RegExp): string[] {
  return [...(script ?? '').matchAll(pattern)].flatMap((m) => (m[1] ?? '').trim().split(/\s+/)).sort();
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => relative(repoPath('.'), join(dir, f)));
}

describe('the test tiers', () => {
  const e2e = foldersOf(scripts['tier:e2e'], /find ((?:dist\/test\/[\w-]+\s+)+)-name/g);
  const brokers = foldersOf(scripts['tier:brokers'], /find ((?:dist\/test\/[\w-]+\s+)+)-name/g);
  const notUnit = foldersOf(scripts['tier:unit'], /-not -path '(dist\/test\/[\w-]+)\/\*'/g);

  it('unit leaves out exactly the folders of e2e and brokers, which share none', () => {
    assert.deepEqual(e2e, ['dist/test/e2e', 'dist/test/examples']);
    assert.deepEqual(brokers, ['dist/test/mosquitto', 'dist/test/rabbitmq']);
    assert.deepEqual(notUnit, [...e2e, ...brokers].sort());
    for (const folder of notUnit) assert.ok(existsSync(repoPath(folder)), folder);
  });

  it('puts every test file in exactly one tier, none of them empty', () => {
    const all = testFiles(repoPath('dist/test'));
    const inTier = (folders: string[]): string[] => all.filter((f) => folders.some((d) => f.startsWith(`${d}/`)));
    const unit = all.filter((f) => !notUnit.some((d) => f.startsWith(`${d}/`)));
    for (const tier of [unit, inTier(e2e), inTier(brokers)]) assert.ok(tier.length > 0);
    assert.equal(unit.length + inTier(e2e).length + inTier(brokers).length, all.length);
  });
});
