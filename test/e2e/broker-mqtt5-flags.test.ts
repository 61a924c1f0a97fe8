/** The broker command's MQTT 5 flags: a bad one is one line on stderr and exit 2, before anything listens. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { repoPath } from '../helpers.js';

function brokerExit(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [repoPath('dist/src/cli/main.js'), 'broker', '--port', '0', ...args], { cwd: repoPath('.') });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stderr });
    }),
  );
}

describe('broker --auth-method and --receive-maximum', () => {
  const device = ['--public-key', repoPath('test/fixtures/vectors/ec_public.pem'), '--device', 'd1'];
  for (const [flags, expected] of [
    [['--auth-method', ''], 'error: --auth-method must be 1 to 65535 bytes of UTF-8 (got 0 bytes)\n'],
    [['--auth-method', 'x'.repeat(65536)], 'error: --auth-method must be 1 to 65535 bytes of UTF-8 (got 65536 bytes)\n'],
    [['--receive-maximum', '0'], 'error: --receive-maximum must be an integer from 1 to 65535 (got 0)\n'],
    [['--receive-maximum', '70000'], 'error: --receive-maximum must be an integer from 1 to 65535 (got 70000)\n'],
  ] as const) {
    it(`${flags[0]} ${flags[1].length > 20 ? `${flags[1].length} characters` : JSON.stringify(flags[1])}: exit 2, one line`, async () => {
      const { code, stderr } = await brokerExit([...device, ...flags]);
      assert.equal(code, 2);
      assert.equal(stderr, expected);
    });
  }
});
