/**
 * Podman for test/e2e/kubernetes-on-podman.test.ts: finding it, running it with the repository's
 * containers.conf (CONTAINERS_CONF; nothing in /etc changes), building the images, and waiting
 * on containers. Without podman (or runc, root, debootstrap, envsubst) the test skips by name;
 * with REQUIRE_PODMAN=1 (which .ci/run sets) it runs and fails instead (test/support/optional-tool.ts).
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { repoPath } from '../../helpers.js';
import type { OptionalTool } from '../../support/optional-tool.js';

const execFileAsync = promisify(execFile);

export const CONTAINERS_CONF = repoPath('test/deploy/podman/containers.conf');

const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin', '/sbin'];

function which(name: string): string | undefined {
  for (const dir of [...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS]) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** A cached base tarball makes debootstrap unnecessary (build-base.sh only needs it to make one). */
function baseCached(): boolean {
  const dir = join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'mqtt-jwt-bench', 'podman-base');
  return existsSync(dir);
}

/** What this machine lacks for the check, in words; undefined when it can run. */
function missingForPodman(): string | undefined {
  if (process.platform !== 'linux') return `Linux (this is ${process.platform})`;
  const missing: string[] = [];
  if (which('podman') === undefined) missing.push('podman');
  if (which('runc') === undefined) missing.push('runc');
  if (which('debootstrap') === undefined && !baseCached()) missing.push('debootstrap');
  if (which('envsubst') === undefined) missing.push('envsubst (gettext-base)');
  if (which('npm') === undefined) missing.push('npm');
  // Rootless podman needs subordinate ids, and debootstrap and chroot need root anyway.
  if (process.getuid?.() !== 0) missing.push('root (the check runs rootful podman)');
  return missing.length === 0 ? undefined : missing.join(', ');
}

export const PODMAN: OptionalTool = {
  name: 'podman (with runc, debootstrap, envsubst and root)',
  requireVar: 'REQUIRE_PODMAN',
  missing: missingForPodman(),
  install: 'apt-get install podman runc debootstrap gettext-base, and run as root',
};

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

const ENV = { ...process.env, CONTAINERS_CONF };

/** Runs a command with the repository's containers.conf; a non-zero exit is returned, not thrown. */
export async function exec(file: string, args: string[], timeoutMs = 120_000): Promise<Ran> {
  try {
    const { stdout, stderr } = await execFileAsync(file, args, { env: ENV, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: `${e.stderr ?? ''}${e.message}` };
  }
}

/** `podman …`, which must succeed; its stdout. */
export async function podman(args: string[], timeoutMs?: number): Promise<string> {
  const ran = await exec('podman', args, timeoutMs);
  if (ran.code !== 0) throw new Error(`podman ${args.join(' ')} exited ${ran.code}:\n${ran.stderr.slice(-4000)}`);
  return ran.stdout;
}

/** The local node:24-slim (build-base.sh: cached tarball, or debootstrap on a fresh machine). */
export async function buildBase(): Promise<void> {
  const ran = await exec(repoPath('test/deploy/podman/build-base.sh'), [], 600_000);
  if (ran.code !== 0) throw new Error(`build-base.sh exited ${ran.code}:\n${ran.stderr.slice(-4000)}`);
}

/** Builds from a Containerfile with no registry: the base must be local (--pull=never). */
export async function buildImage(tag: string, context: string, file?: string): Promise<void> {
  await podman(['build', '--pull=never', '--quiet', '--tag', tag, ...(file === undefined ? [] : ['--file', file]), context], 600_000);
}

/** Waits for a container to exit; its exit code. */
export async function waitExit(container: string, timeoutMs: number): Promise<number> {
  return Number((await podman(['wait', container], timeoutMs)).trim());
}

export async function logs(container: string): Promise<string> {
  const ran = await exec('podman', ['logs', container]);
  return `${ran.stdout}${ran.stderr}`;
}

/** Polls a container's log until it matches, at most `timeoutMs`. */
export async function waitForLog(container: string, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await logs(container);
    if (pattern.test(text)) return;
    if (Date.now() > deadline) throw new Error(`${container}: no ${String(pattern)} within ${timeoutMs} ms:\n${text.slice(-3000)}`);
    await sleep(500);
  }
}

/** Where a named volume's files are on this machine (rootful podman). */
export async function volumePath(volume: string): Promise<string> {
  return (await podman(['volume', 'inspect', '--format', '{{.Mountpoint}}', volume])).trim();
}

/** Removes what a run made, by name; whatever is already gone is fine. */
export async function removeAll(made: { pods: string[]; containers: string[]; volumes: string[]; networks: string[]; images: string[] }): Promise<void> {
  // --ignore: without it, one name already gone (the keys pod) makes podman 4.3 remove none of
  // them, and `volume rm --force` below then removes their containers but not the anonymous volume
  // of the image's VOLUME /reports that each had. `pod rm` removes its containers' own; --volumes
  // those of plain containers.
  if (made.pods.length > 0) await exec('podman', ['pod', 'rm', '--force', '--ignore', ...made.pods]);
  if (made.containers.length > 0) await exec('podman', ['rm', '--force', '--ignore', '--volumes', ...made.containers]);
  if (made.volumes.length > 0) await exec('podman', ['volume', 'rm', '--force', ...made.volumes]);
  if (made.networks.length > 0) await exec('podman', ['network', 'rm', '--force', ...made.networks]);
  // Only the run's own names (another run may have tagged the same image): the layers stay, the next build's cache.
  for (const image of made.images) await exec('podman', ['untag', image, image]);
  // Each change to the sources leaves the previous build's layers untagged: those a day old go.
  await exec('podman', ['image', 'prune', '--force', '--filter', 'until=24h']);
}
