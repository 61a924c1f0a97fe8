/**
 * The CLI with faults injected into its workers (src/worker/faults.ts), for the tests that prove
 * the harness notices a blocked, hung, crashed or deaf worker. Only this test-only entry, which is
 * not shipped (package.json `files` holds dist/src alone), can set them; the shipped main.js has
 * no flag or environment variable for them.
 *   node dist/test/support/faulty-cli.js '<WorkerFaults as JSON>' <cli arguments…>
 * With `run --processes N`, every shard process runs this entry too, with the same faults.
 */
import { fileURLToPath } from 'node:url';
import { cliMain } from '../../src/cli/cli.js';
import type { WorkerFaults } from '../../src/worker/faults.js';

const [faultsJson = '{}', ...args] = process.argv.slice(2);
const faults = JSON.parse(faultsJson) as WorkerFaults;
await cliMain(args, { faults, shardEntry: [fileURLToPath(import.meta.url), faultsJson] });
