/**
 * The terminal as a user sees it: a quick run inside tmux (a real terminal), its screen captured
 * every 200 ms. The live view must never show a frame of the previous stage under a new stage's
 * line, must be cleared before the summary, and must be coloured on a terminal; colour follows
 * NO_COLOR and FORCE_COLOR elsewhere. Skips by name without tmux, unless REQUIRE_TMUX=1 (.ci/run
 * sets it) makes a missing tmux a failure.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { colourWanted } from '../../src/cli/colour.js';
import { block } from '../../src/cli/progress/live.js';
import { ANSI_PAINT } from '../../src/report/render/paint.js';
import { repoPath } from '../helpers.js';
import { assertPresent, skipWithout, type OptionalTool } from '../support/optional-tool.js';
import { runCli } from './cli.js';

const TMUX: OptionalTool = {
  name: 'tmux',
  requireVar: 'REQUIRE_TMUX',
  missing: spawnSync('tmux', ['-V']).status === 0 ? undefined : 'tmux -V did not run',
  install: 'apt-get install tmux',
};
const skip = skipWithout(TMUX);
const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-live-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The escape character, spelled so that no regular expression holds a control character. */
const ESC = String.fromCharCode(27);
const plain = (text: string): string => text.replace(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), '');

describe('colour', () => {
  it('follows NO_COLOR, FORCE_COLOR, TERM=dumb and whether the stream is a terminal', () => {
    const tty = { isTTY: true };
    const pipe = { isTTY: false };
    const cases: [{ isTTY: boolean }, NodeJS.ProcessEnv, boolean][] = [
      [tty, {}, true],
      [pipe, {}, false],
      [tty, { NO_COLOR: '1' }, false],
      [tty, { NO_COLOR: '' }, true],
      [pipe, { FORCE_COLOR: '1' }, true],
      [pipe, { FORCE_COLOR: '0' }, false],
      [tty, { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
      [tty, { TERM: 'dumb' }, false],
    ];
    for (const [stream, env, expected] of cases) assert.equal(colourWanted(stream, env), expected, JSON.stringify({ stream, env }));
  });

  it('colours the summary only when wanted', async () => {
    const args = [
      'run',
      '--devices',
      '3',
      '--duration',
      '1s',
      '--set',
      `groups.0.keys.store=${join(dir, 'k.json')}`,
      // Not judging the generator: colour is under test here, not the shared machine's speed.
      '--set',
      'judgeGenerator=false',
      '--report-dir',
      join(dir, 'r'),
      '--no-html',
      '--quiet',
    ];
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'FORCE_COLOR' && name !== 'NO_COLOR'));
    const piped = spawnSync(process.execPath, [repoPath('dist/src/cli/main.js'), ...args], { cwd: repoPath('.'), env, encoding: 'utf8', timeout: 120_000 });
    assert.equal(piped.status, 0, piped.stderr);
    assert.ok(!piped.stdout.includes(`${ESC}[`), 'no colour in a pipe');
    const forced = await runCli(args, { env: { FORCE_COLOR: '1', NO_COLOR: '' } });
    assert.equal(forced.code, 0, forced.stderr);
    assert.ok(forced.stdout.includes(` · ${ESC}[32mCOMPLETE${ESC}[39m`), forced.stdout);
  });

  it('marks the live block: the header bold, errors red', () => {
    const lines = block(
      {
        elapsedMs: 3000,
        stageIndex: 1,
        stageType: 'publish',
        stageCount: 3,
        connected: 5,
        targetConnected: 5,
        published: 10,
        acked: 9,
        ackedPerSec: 3,
        publishedPerSec: 3,
        errors: 1,
        errorsByReason: { 'ack-timeout': 1 },
        publishAckP50Us: 1000,
        publishAckP99Us: 2000,
        etaMs: 1000,
      },
      ANSI_PAINT,
    );
    assert.ok((lines[0] ?? '').startsWith(`${ESC}[1m── stage 2/3 publish`), lines[0]);
    assert.ok((lines[1] ?? '').includes(`${ESC}[32mconnected 5/5${ESC}[39m`), lines[1]);
    assert.equal(lines[3], `   ${ESC}[31merrors: ack-timeout 1${ESC}[39m`);
  });
});

describe('the live view in a terminal (tmux)', () => {
  it("starts each stage without the last stage's figures and is cleared before the summary", { skip }, async () => {
    assertPresent(TMUX);
    const socket = `ux-live-${process.pid}`;
    const session = 'run';
    const command = [
      process.execPath,
      repoPath('dist/src/cli/main.js'),
      'run',
      '--devices',
      '20',
      '--rate',
      '20',
      '--duration',
      '2s',
      '--set',
      `groups.0.keys.store=${join(dir, 'live.json')}`,
      '--report-dir',
      join(dir, 'live'),
      '--no-html',
    ]
      .map((a) => `'${a}'`)
      .join(' ');
    const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    tmux(
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '140',
      '-y',
      '80',
      `env -u NO_COLOR -u FORCE_COLOR TERM=xterm-256color ${command}; echo EXITED $?; sleep 120`,
    );
    const frames: string[] = [];
    try {
      const deadline = Date.now() + 150_000;
      while (Date.now() < deadline) {
        const frame = tmux('capture-pane', '-p', '-e', '-t', session);
        frames.push(frame);
        if (/EXITED \d+/.test(frame)) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      tmux('kill-server');
    }
    const last = frames[frames.length - 1] ?? '';
    assert.match(plain(last), /EXITED 0/, plain(last));
    // After a stage's line, the block below it belongs to that stage (or says it is starting).
    for (const frame of frames.map(plain)) {
      const lines = frame.split('\n');
      const stageLines = lines.map((l, i) => [l, i] as const).filter(([l]) => /^stage \d\/\d: /.test(l));
      const lastStage = stageLines[stageLines.length - 1];
      if (lastStage === undefined) continue;
      const n = /^stage (\d)\//.exec(lastStage[0])?.[1];
      const header = lines.slice(lastStage[1] + 1).find((l) => l.startsWith('── '));
      if (header !== undefined && !/COMPLETE/.test(frame)) assert.match(header, new RegExp(`^── stage ${n}/3 `), `a frame under "${lastStage[0]}":\n${frame}`);
    }
    assert.ok(
      frames.some((f) => f.includes(`${ESC}[1m── stage`)),
      'the block header is bold on a terminal',
    );
    const final = plain(last);
    assert.match(final, /· COMPLETE/);
    assert.doesNotMatch(final, /^── /m, 'the live block is gone before the summary');
    assert.doesNotMatch(final, /^ {3}connected \d+\/\d+ · /m);
    assert.ok(last.includes(`${ESC}[32mCOMPLETE`), 'the status in colour');
  });
});
