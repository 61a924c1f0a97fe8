/**
 * Issue 10's proof: three shard processes against one standalone embedded broker, and the same
 * again with each shard a host of its own in a network namespace (where the machine allows).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeHistogram, mergeResults } from '../../src/api/report.js';
import type { RunResult } from '../../src/index.js';
import { startCli } from '../support/processes.js';
import { runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-fleet-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const SHARDS = 3;
const DEVICES = 15;

function scenario(): string {
  const file = join(dir, 'fleet.yaml');
  writeFileSync(
    file,
    `name: fleet
workers: 1
groups:
  - { name: g, count: ${DEVICES}, keys: { store: ${join(dir, 'keys', 'ES256.json')} } }
stages:
  - type: connect
    rate: 30/s
  - type: publish
    rate: 4/s
    count: 8
  - type: disconnect
`,
  );
  return file;
}

async function runShards(brokerUrl: string, reportDir: string, prefix: (i: number) => string[]): Promise<RunResult[]> {
  const file = scenario();
  const startAt = new Date(Date.now() + 6000).toISOString();
  const runs = await Promise.all(
    Array.from({ length: SHARDS }, (_, i) =>
      runCli(['run', file, '--shard', `${i}/${SHARDS}`, '--broker', brokerUrl, '--start-at', startAt, '--report-dir', reportDir, '--quiet', '--no-html'], {
        prefix: prefix(i),
      }),
    ),
  );
  // A shard's slice is judged at merge, never alone (report/judge/exit-code.ts): each exits 0.
  runs.forEach((r, i) => assert.equal(r.code, 0, `shard ${i}: ${r.stderr}`));
  // Shards of one run write into its folder: <report-dir>/<run-id>/ (the run id derived from --start-at).
  const [runDir, ...others] = readdirSync(reportDir);
  assert.deepEqual(others, [], 'one run folder');
  return readdirSync(join(reportDir, runDir!)).map((f) => JSON.parse(readFileSync(join(reportDir, runDir!, f), 'utf8')) as RunResult);
}

function checkShards(shards: RunResult[]): void {
  const starts = shards.map((s) => Date.parse(s.stages[0]!.startedAt));
  assert.ok(Math.max(...starts) - Math.min(...starts) <= 100, `first stages at ${starts.join(', ')}`);
  const merged = mergeResults(shards.map((result, i) => ({ result, file: `shard-${i}` })));
  assert.deepEqual(merged.shards?.missing, []);
  assert.equal(merged.total.counters['devices'], DEVICES);
  assert.equal(merged.total.counters['connected'], DEVICES);
  assert.equal(merged.total.counters['acked'], DEVICES * 8);
  assert.equal(decodeHistogram(merged.total.histograms['publishAckUs']!.encoded).totalCount, DEVICES * 8);
  assert.deepEqual(
    shards.map((s) => s.total.counters['devices']),
    [5, 5, 5],
  );
}

describe('shards against one standalone embedded broker', () => {
  it('three shard processes: disjoint slices whose union is the fleet, started together, counts exact', async () => {
    const keygen = await runCli(['keys', 'generate', '--count', String(DEVICES), '--out', join(dir, 'keys')]);
    assert.equal(keygen.code, 0, keygen.stderr);
    const broker = await startCli(['broker', '--host', '127.0.0.1', '--port', '0', '--keys', join(dir, 'keys')], /listening (mqtt:\/\/127\.0\.0\.1:\d+)/);
    try {
      checkShards(await runShards(broker.match[1]!, join(dir, 'reports-local'), () => []));
    } finally {
      assert.equal(await broker.stop(), 0);
    }
    assert.match(broker.output(), new RegExp(`auth accepted ${DEVICES} `));
  });
});

/** Test hosts of our own: a bridge namespace and one namespace per host, joined by veth pairs. */
function canMakeNamespaces(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  try {
    execFileSync('ip', ['netns', 'add', 'mjbprobe']);
    execFileSync('ip', ['netns', 'del', 'mjbprobe']);
    return undefined;
  } catch (error) {
    return `ip netns does not work here: ${(error as Error).message.split('\n')[0]}`;
  }
}

const NET = '10.231.77';
const hosts = ['broker', ...Array.from({ length: SHARDS }, (_, i) => `shard${i}`)];
const ns = (host: string): string => `mjb-${process.pid}-${host}`;
const ip = (...args: string[]): void => void execFileSync('ip', args);

function makeNetwork(): void {
  const bridge = ns('bridge');
  ip('netns', 'add', bridge);
  ip('netns', 'exec', bridge, 'ip', 'link', 'add', 'br0', 'type', 'bridge');
  ip('netns', 'exec', bridge, 'ip', 'link', 'set', 'br0', 'up');
  hosts.forEach((host, i) => {
    ip('netns', 'add', ns(host));
    ip('netns', 'exec', ns(host), 'ip', 'link', 'set', 'lo', 'up');
    ip('-n', bridge, 'link', 'add', `v${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns(host));
    ip('-n', bridge, 'link', 'set', `v${i}`, 'master', 'br0', 'up');
    ip('-n', ns(host), 'addr', 'add', `${NET}.${i + 1}/24`, 'dev', 'eth0');
    ip('-n', ns(host), 'link', 'set', 'eth0', 'up');
  });
}

function removeNetwork(): void {
  for (const host of [...hosts, 'bridge']) {
    try {
      ip('netns', 'del', ns(host));
    } catch {
      // Already gone.
    }
  }
}

describe('shards as hosts of their own, in network namespaces the test makes', () => {
  const why = canMakeNamespaces();
  it('three shard hosts against a broker host: the same exact counts', { skip: why === undefined ? false : `needs network namespaces: ${why}` }, async () => {
    makeNetwork();
    try {
      const broker = await startCli(['broker', '--host', `${NET}.1`, '--port', '1883', '--keys', join(dir, 'keys')], /listening mqtt:/, [
        'ip',
        'netns',
        'exec',
        ns('broker'),
      ]);
      try {
        const shards = await runShards(`mqtt://${NET}.1:1883`, join(dir, 'reports-netns'), (i) => ['ip', 'netns', 'exec', ns(`shard${i}`)]);
        checkShards(shards);
      } finally {
        await broker.stop();
      }
    } finally {
      removeNetwork();
    }
  });
});
