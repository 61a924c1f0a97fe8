/**
 * Files that are not scenarios: each is one clear line and exit 2, through the library and the CLI.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadScenarioFile, parseScenario } from '../../src/scenario/load.js';
import { runCli } from '../e2e/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-hostile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const cases: { name: string; path: () => string; message: RegExp }[] = [
  {
    name: 'a PNG image',
    path: () => file('image.png', Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex')),
    message: /not a text file \(not UTF-8\)/,
  },
  { name: 'text with NUL bytes', path: () => file('nul.yaml', 'name: a\0b\n'), message: /not a text file \(contains NUL bytes\)/ },
  { name: 'an empty file', path: () => file('empty.yaml', ''), message: /is empty, expected a scenario/ },
  { name: 'only a comment', path: () => file('comment.yaml', '# nothing here\n'), message: /is empty, expected a scenario/ },
  { name: 'a directory', path: () => (mkdirSync(join(dir, 'folder.yaml'), { recursive: true }), join(dir, 'folder.yaml')), message: /is a directory/ },
  { name: 'a missing file', path: () => join(dir, 'missing.yaml'), message: /cannot read scenario: ENOENT/ },
  { name: 'a shell script', path: () => file('script.sh', '#!/bin/sh\necho "$(id)"\n'), message: /expected object, received string/ },
];

describe('files that are not scenarios', () => {
  for (const c of cases) {
    it(`${c.name}: one ConfigError line`, async () => {
      await assert.rejects(loadScenarioFile(c.path()), (error: Error & { code?: string; exitCode?: number }) => {
        assert.equal(error.code, 'ERR_CONFIG');
        assert.equal(error.exitCode, 2);
        assert.match(error.message, c.message);
        assert.equal(error.message.split('\n').length, 1);
        return true;
      });
    });
  }

  it('YAML aliases: unresolved, self-referencing and too many are ConfigErrors, not crashes', () => {
    const laughs = `a: &a [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 12 }, (_, i) => `l${i}: &l${i} [${'*' + (i === 0 ? 'a' : `l${i - 1}`) + ', '}${'*' + (i === 0 ? 'a' : `l${i - 1}`)}]`).join('\n')}\n`;
    for (const [text, message] of [
      ['groups: *nowhere', /not valid YAML: Unresolved alias/],
      ['&a [*a]', /an anchor contains an alias of itself/],
      ['groups: &g [{name: a, count: 1, x: *g}]\nstages: [{type: connect}]', /an anchor contains an alias of itself/],
      [laughs, /not valid YAML: Excessive alias count/],
    ] as const) {
      assert.throws(() => parseScenario(text, 'a.yaml'), { code: 'ERR_CONFIG', message });
    }
  });

  it('the CLI exits 2 with one line for a binary file and a directory', async () => {
    for (const path of [
      file('blob.bin', Buffer.from([0xff, 0xfe, 0x00, 0x81, 0xc3])),
      (mkdirSync(join(dir, 'folder.yaml'), { recursive: true }), join(dir, 'folder.yaml')),
    ]) {
      const result = await runCli(['validate', path]);
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    }
  });
});
