/**
 * The bin after a build: `npm test` runs `npm run build` first, so this checks what the build
 * leaves. tsc writes main.js without an execute bit; the build must add it, or every
 * `npx mqtt-jwt-bench` after a rebuild fails with "Permission denied" (exit 127) once npx has
 * linked the bin. The mode is checked before npx runs, because npx's first link sets it too.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT, repoPath } from '../helpers.js';

const run = promisify(execFile);
const { version, bin } = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

describe('the built bin', () => {
  it('is executable by everyone and starts with a node shebang', () => {
    const main = repoPath(bin['mqtt-jwt-bench'] ?? 'missing bin entry');
    assert.equal(statSync(main).mode & 0o111, 0o111, `${main} must be executable after npm run build`);
    assert.equal(readFileSync(main, 'utf8').split('\n', 1)[0], '#!/usr/bin/env node');
  });

  it('runs as `npx mqtt-jwt-bench --version` from the repository', async () => {
    const { stdout } = await run('npx', ['mqtt-jwt-bench', '--version'], { cwd: REPO_ROOT, timeout: 60_000 });
    assert.equal(stdout.trim(), version);
  });
});
