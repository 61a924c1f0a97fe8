import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MachineFacts } from '../../src/coordinator/machine-facts.js';
import { preflight } from '../../src/coordinator/preflight.js';
import { runCli } from '../e2e/cli.js';

const facts: MachineFacts = { openFilesSoft: 20_000, openFilesHard: 20_000, ephemeralPorts: 28_232, freeMemoryBytes: 16 * 2 ** 30, totalMemoryBytes: 24 * 2 ** 30 };

describe('preflight', () => {
  it('lets a plan that fits through, with its numbers', () => {
    const outcome = preflight({ connections: 5000, embeddedBroker: false, addressPairs: 1, facts });
    assert.deepEqual(outcome.problems, []);
    assert.match(outcome.notes[0]!, /^5000 connections: about 5200 open files of 20000/);
  });

  it('refuses more descriptors than the process may open, and says what to change', () => {
    const external = preflight({ connections: 30_000, embeddedBroker: false, addressPairs: 3, facts });
    assert.equal(external.problems.length, 1);
    assert.match(external.problems[0]!, /30000 connections need 30200 open files, but this process may open 20000 \(hard limit 20000\): use run --processes 2/);
    const embedded = preflight({ connections: 12_000, embeddedBroker: true, addressPairs: 1, facts });
    assert.match(embedded.problems[0]!, /24200 open files \(two per connection with the embedded broker in this process\).*point at an external broker/);
  });

  it('refuses more connections per address pair than the port search holds', () => {
    const outcome = preflight({ connections: 19_000, embeddedBroker: false, addressPairs: 1, facts });
    assert.equal(outcome.problems.length, 1);
    assert.match(outcome.problems[0]!, /19000 connections from one source address to one broker address: past about 14000.*over 2 or more source addresses/);
    assert.deepEqual(preflight({ connections: 19_000, embeddedBroker: false, addressPairs: 2, facts }).problems, []);
  });

  it('refuses a plan that needs more memory than is free', () => {
    const outcome = preflight({ connections: 10_000, embeddedBroker: false, addressPairs: 1, facts: { ...facts, freeMemoryBytes: 100 * 2 ** 20 } });
    assert.match(outcome.problems[0]!, /10000 connections need about 190 MiB, and 100 MiB are free/);
  });

  it('stops an impossible run before its first connection, exit 2', async () => {
    const cli = await runCli(['run', 'scenarios/quickstart.yaml', '--set', 'groups.0.count=30000', '--set', 'groups.0.keys.store=/nonexistent/never-written.json', '--quiet']);
    assert.equal(cli.code, 2, cli.stderr);
    assert.match(cli.stderr, /^error: preflight: 30000 connections need 60200 open files/);
    assert.equal(cli.stdout, '');
  });
});
