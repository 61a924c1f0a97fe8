/** Help that teaches: every command's --help has examples and a docs pointer, run's the exit codes; no glued layout. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMAND_HELP } from '../../src/cli/examples.js';
import { runCli } from './cli.js';

const COMMANDS = ['run', 'init', 'validate', 'report', 'compare', 'merge', 'schema', 'keys', 'token', 'broker', 'sign-bench'];

describe('--help', () => {
  it('has examples and a docs pointer for every command, and lays out cleanly', async () => {
    assert.deepEqual(Object.keys(COMMAND_HELP).sort(), [...COMMANDS].sort(), 'every command has its examples');
    for (const command of COMMANDS) {
      const { code, stdout } = await runCli([command, '--help']);
      assert.equal(code, 0, command);
      assert.match(stdout, /\nExamples:\n {2}mqtt-jwt-bench /, `${command} --help has examples`);
      assert.match(stdout, /docs\/[\w-]+\.md/, `${command} --help points to the docs`);
      assert.doesNotMatch(stdout, /[^\s]\[(string|number|boolean|array)\]/, `${command} --help: a description glued to its type`);
      assert.doesNotMatch(stdout, /\[default: \[\]\]/, `${command} --help: an empty default shown`);
    }
  });

  it('gives run five examples and the exit-code table in precedence order', async () => {
    const { stdout } = await runCli(['run', '--help']);
    const examples = stdout.slice(stdout.indexOf('Examples:'), stdout.indexOf('Exit codes'));
    assert.equal(examples.match(/^ {2}mqtt-jwt-bench run/gm)?.length, 5);
    const codes = [...stdout.slice(stdout.indexOf('Exit codes')).matchAll(/^ {2}(\d+) /gm)].map((m) => Number(m[1]));
    assert.deepEqual(codes, [2, 3, 4, 5, 130, 6, 99, 0, 1]);
  });
});
