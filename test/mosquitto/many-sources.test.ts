/**
 * 15,000 devices from four source addresses against one mosquitto, in one process: preflight
 * counts the connections per source address as the devices are really spread, so it lets the
 * run through (it used to count every run as one address pair and refuse it), and every device
 * connects. Lean engine, no publishing, a planned rate the machine holds.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunResult } from '../../src/report/model/run-result.js';
import { MosquittoBroker } from './broker.js';
import { findMosquittoTools, skipWithoutMosquitto } from './tools.js';
import { runCli } from '../e2e/cli.js';

const skip = skipWithoutMosquitto();
const DEVICES = 15_000;

describe('15,000 devices from four source addresses in one process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-many-sources-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const scenario = (url: string): string => `name: many-sources
broker: ${url}
localAddress: 127.0.0.2-127.0.0.5
workers: 2
mqtt: { engine: lean, keepalive: 120s, connectTimeout: 60s, reconnect: { enabled: false } }
groups:
  - { name: d, count: ${DEVICES}, keys: { mode: pool, size: 4, store: ${join(dir, 'pool.json')} } }
stages:
  - { type: connect, rate: 5000/s }
  - { type: disconnect }
`;

  it('validate says it fits, from 4 source addresses', async () => {
    const file = join(dir, 'validate.yaml');
    writeFileSync(file, scenario('mqtt://127.0.0.1:1883'));
    const cli = await runCli(['validate', file]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /from 4 source addresses/);
    assert.match(cli.stdout, /this machine: 15000 connections/);
  });

  it('runs, and every device connects', { skip, timeout: 300_000 }, async () => {
    const tools = findMosquittoTools();
    if ('missing' in tools) throw new Error(tools.missing.join(', '));
    const broker = await MosquittoBroker.start(tools.mosquitto, { dir, websockets: false, allowAnonymous: true });
    try {
      const file = join(dir, 'run.yaml');
      writeFileSync(file, scenario(`mqtt://127.0.0.1:${broker.port}`));
      const reports = join(dir, 'reports');
      const cli = await runCli(['run', file, '--report-dir', reports, '--quiet', '--no-html'], { timeoutMs: 280_000 });
      assert.doesNotMatch(cli.stderr, /preflight/);
      const report = readdirSync(reports).find((f) => f.endsWith('.json'));
      assert.ok(report !== undefined, cli.stderr);
      const result = JSON.parse(readFileSync(join(reports, report), 'utf8')) as RunResult;
      assert.equal(result.status, 'complete', result.statusReason);
      assert.equal(result.total.counters['connected'], DEVICES);
      assert.equal(result.total.counters['disconnected'], DEVICES);
      assert.deepEqual(result.total.connectFailures, {});
    } finally {
      await broker.stop();
    }
  });
});
