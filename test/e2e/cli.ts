/**
 * Runs the built CLI as a user would, and collects what it printed. With `faults`, it runs the
 * test-only entry that injects them into the workers (test/support/faulty-cli.ts) instead.
 */
import { spawn } from 'node:child_process';
import type { WorkerFaults } from '../../src/worker/faults.js';
import { repoPath } from '../helpers.js';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  options: {
    onStderr?: (text: string, child: ReturnType<typeof spawn>) => void;
    timeoutMs?: number;
    env?: Record<string, string>;
    prefix?: string[];
    faults?: WorkerFaults;
    cwd?: string;
  } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const prefix = options.prefix ?? [];
    const entry =
      options.faults === undefined ? [repoPath('dist/src/cli/main.js')] : [repoPath('dist/test/support/faulty-cli.js'), JSON.stringify(options.faults)];
    const child = spawn(prefix[0] ?? process.execPath, [...prefix.slice(1), ...(prefix.length > 0 ? [process.execPath] : []), ...entry, ...args], {
      cwd: options.cwd ?? repoPath('.'),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      options.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
