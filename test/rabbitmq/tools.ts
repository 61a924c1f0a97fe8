/**
 * Finding Debian's RabbitMQ for the tests. Without it a developer's run skips the RabbitMQ tests
 * by name; with REQUIRE_RABBITMQ=1 (which .ci/run sets) they run and fail instead.
 */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

export interface RabbitmqTools {
  /** The package's own start script: the one on the PATH switches to the rabbitmq user. */
  server: string;
  ctl: string;
}

/** Where Debian's rabbitmq-server package keeps its scripts; RABBITMQ_BIN_DIR overrides it. */
const BIN_DIR = process.env['RABBITMQ_BIN_DIR'] ?? '/usr/lib/rabbitmq/bin';

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findRabbitmq(): RabbitmqTools | { missing: string } {
  const server = join(BIN_DIR, 'rabbitmq-server');
  const ctl = join(BIN_DIR, 'rabbitmqctl');
  if (executable(server) && executable(ctl)) return { server, ctl };
  return { missing: `rabbitmq-server (${server}, ${ctl})` };
}

export const REQUIRED = process.env['REQUIRE_RABBITMQ'] === '1';

/** The node:test `skip` option: a message when RabbitMQ is missing and not required, else false. */
export function skipWithoutRabbitmq(): string | false {
  const found = findRabbitmq();
  if (!('missing' in found) || REQUIRED) return false;
  return `${found.missing} not installed (apt-get install --no-install-recommends rabbitmq-server); REQUIRE_RABBITMQ=1 makes this a failure`;
}

export function requireRabbitmq(): RabbitmqTools {
  const found = findRabbitmq();
  if ('missing' in found) throw new Error(`REQUIRE_RABBITMQ=1 but ${found.missing} is missing`);
  return found;
}
