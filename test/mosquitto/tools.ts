/**
 * Finding Debian's mosquitto for the tests. Without it a developer's run skips the mosquitto
 * tests by name; with REQUIRE_MOSQUITTO=1 (which .ci/run sets) they run and fail instead.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface MosquittoTools {
  mosquitto: string;
  mosquittoSub: string;
  openssl: string;
  /** coreutils' stdbuf, to line-buffer mosquitto_sub's output. */
  stdbuf: string;
}

/** Debian installs the broker in /usr/sbin, which is not on every user's PATH. */
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin'];

function which(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

export function findMosquittoTools(): MosquittoTools | { missing: string[] } {
  const mosquitto = which('mosquitto');
  const mosquittoSub = which('mosquitto_sub');
  const openssl = which('openssl');
  const stdbuf = which('stdbuf');
  if (mosquitto !== undefined && mosquittoSub !== undefined && openssl !== undefined && stdbuf !== undefined)
    return { mosquitto, mosquittoSub, openssl, stdbuf };
  const missing = [
    mosquitto ? '' : 'mosquitto',
    mosquittoSub ? '' : 'mosquitto_sub (mosquitto-clients)',
    openssl ? '' : 'openssl',
    stdbuf ? '' : 'stdbuf (coreutils)',
  ];
  return { missing: missing.filter(Boolean) };
}

export const REQUIRED = process.env['REQUIRE_MOSQUITTO'] === '1';

/**
 * The node:test `skip` option for a mosquitto test: a message when the tools are missing and
 * not required, otherwise false (the test runs, and fails if they are missing).
 */
export function skipWithoutMosquitto(): string | false {
  const found = findMosquittoTools();
  if (!('missing' in found) || REQUIRED) return false;
  return `${found.missing.join(', ')} not installed (apt-get install mosquitto mosquitto-clients openssl); REQUIRE_MOSQUITTO=1 makes this a failure`;
}

/** The tools, or an error that says what is missing and why the test did not skip. */
export function requireMosquittoTools(): MosquittoTools {
  const found = findMosquittoTools();
  if ('missing' in found) throw new Error(`REQUIRE_MOSQUITTO=1 but ${found.missing.join(', ')} not found on PATH or in ${EXTRA_DIRS.join(', ')}`);
  return found;
}
