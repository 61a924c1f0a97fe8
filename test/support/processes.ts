/** Long-lived CLI processes for tests: started, read until a line appears, stopped by signal. */
import { spawn, type ChildProcess } from 'node:child_process';
import { repoPath } from '../helpers.js';

export interface Started {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<number | null>;
}

/** Starts `node dist/src/cli/main.js ...args` (optionally under a command prefix such as `ip netns exec NS`) and waits for `ready`. */
export function startCli(args: string[], ready: RegExp, prefix: string[] = []): Promise<Started & { match: RegExpMatchArray }> {
  const command = prefix.length > 0 ? (prefix[0] as string) : process.execPath;
  const argv = [...prefix.slice(1), ...(prefix.length > 0 ? [process.execPath] : []), repoPath('dist/src/cli/main.js'), ...args];
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null) child.kill('SIGTERM');
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`not ready within 20 s: ${text}`));
    }, 20_000);
    const onData = (d: Buffer): void => {
      text += d.toString();
      const match = text.match(ready);
      if (match !== null) {
        clearTimeout(timer);
        resolve({ child, output: () => text, stop, match });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before ready: ${text}`));
    });
  });
}
