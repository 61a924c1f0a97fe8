/**
 * A broker that dies in the middle of a run and comes back: the standalone broker is killed
 * (SIGKILL, no goodbye) during the publish stage and started again on the same port. Every
 * device must notice, reconnect with backoff, and the run must finish with a report that counts
 * and says what happened.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeHistogram } from '../../src/api/report.js';
import type { RunResult } from '../../src/index.js';
import { freePort } from '../mosquitto/broker.js';
import { startCli, type Started } from '../support/processes.js';
import { runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-restart-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const DEVICES = 6;

function scenarioFile(engine: string): string {
  const file = join(dir, `restart-${engine}.yaml`);
  writeFileSync(
    file,
    `name: restart
workers: 2
# The broker is away for part of the publish stage on purpose: fewer sends than planned are expected.
minSentPercent: 30
# The restart stalls sends on purpose; what is under test is the recovery, not the pace.
judgeGenerator: false
mqtt: { engine: ${engine}, reconnect: { initialDelay: 200ms, maxDelay: 1s, maxAttempts: 40 } }
groups:
  - { name: g, count: ${DEVICES}, keys: { store: ${join(dir, 'keys', 'ES256.json')} } }
stages:
  - type: connect
  - type: publish
    rate: 5/s
    duration: 6s
    qos: 1
  - type: disconnect
`,
  );
  return file;
}

/** True once a JSON progress tick shows the publish stage with acked messages. */
function publishing(stderr: string): boolean {
  return stderr.split('\n').some((line) => {
    if (!line.startsWith('{')) return false;
    const event = JSON.parse(line) as { type?: string; stageType?: string; acked?: number };
    return event.type === 'tick' && event.stageType === 'publish' && (event.acked ?? 0) >= DEVICES * 5;
  });
}

const startBroker = (port: number): Promise<Started> =>
  startCli(['broker', '--host', '127.0.0.1', '--port', String(port), '--keys', join(dir, 'keys')], /listening mqtt:\/\//);

describe('a broker that dies mid-run and comes back', () => {
  before(async () => {
    const keygen = await runCli(['keys', 'generate', '--count', String(DEVICES), '--out', join(dir, 'keys')]);
    assert.equal(keygen.code, 0, keygen.stderr);
  });
  for (const engine of ['mqttjs', 'lean'] as const) {
    it(`every device reconnects with backoff; the report counts the losses, reconnects and downtime, and says so (${engine})`, async () => {
      const port = await freePort();
      let broker = await startBroker(port);
      let killed = false;
      const restarted: Promise<Started>[] = [];
      const reportDir = join(dir, `reports-${engine}`);
      const run = await runCli(
        ['run', scenarioFile(engine), '--broker', `mqtt://127.0.0.1:${port}`, '--report-dir', reportDir, '--progress', 'json', '--no-html'],
        {
          onStderr: (text) => {
            // Once the publish stage has had acks (progress ticks carry stage and counts), kill and restart.
            if (killed || !publishing(text)) return;
            killed = true;
            broker.child.kill('SIGKILL');
            restarted.push(
              broker.stop().then(async () => {
                await new Promise((resolve) => setTimeout(resolve, 1500));
                broker = await startBroker(port);
                return broker;
              }),
            );
          },
        },
      );
      await Promise.all(restarted);
      await broker.stop();
      assert.equal(killed, true, `the publish stage never started: ${run.stderr}`);
      assert.equal(run.code, 0, run.stderr);
      const reports = readdirSync(reportDir).filter((f) => f.endsWith('.json'));
      assert.equal(reports.length, 1);
      const result = JSON.parse(readFileSync(join(reportDir, reports[0] as string), 'utf8')) as RunResult;
      assert.equal(result.status, 'complete');
      const c = result.total.counters;
      const e = result.total.errors;
      assert.equal(e['connection-lost'], DEVICES);
      assert.equal(c['reconnects'], DEVICES);
      assert.ok((c['reconnectAttempts'] ?? 0) >= DEVICES);
      assert.equal(c['reconnectGaveUp'] ?? 0, 0);
      assert.equal(decodeHistogram(result.total.histograms['reconnectUs']!.encoded).totalCount, DEVICES);
      // Down for the 1.5 s the broker was away, at least.
      assert.ok(result.total.histograms['reconnectUs']!.summary.p50 >= 1_000_000);
      // Planned messages during the outage were not sent; each one sent was acked or is counted lost.
      assert.ok((e['not-connected'] ?? 0) > 0);
      assert.equal(c['published'], (c['acked'] ?? 0) + (e['lost-in-flight'] ?? 0) + (e['ack-timeout'] ?? 0) + (e['publish-failed'] ?? 0));
      assert.equal((c['published'] ?? 0) + (e['not-connected'] ?? 0), DEVICES * 30);
      // Everyone was connected again at the end, so the disconnect stage closed them all.
      assert.equal(c['disconnected'], DEVICES);
      assert.match(
        run.stdout,
        new RegExp(`CONNECTIONS LOST: ${DEVICES} connections were lost during the run; ${DEVICES} came back, so the broker went away and came back`),
      );
    });
  }
});
