import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import type { RunResult } from '../../src/report/model/run-result.js';
import { runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-e2e-tls-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('a run against the embedded broker over TLS', () => {
  it('connects every device over TLS with the local CA (verification on), and the broker metrics reach the report', async () => {
    const file = join(dir, 'tls.yaml');
    writeFileSync(
      file,
      `name: e2e-tls
workers: 2
# TLS and the counts are under test, not the speed of a shared machine: exit 0 exactly.
judgeGenerator: false
embedded:
  tls: true
groups:
  - name: rsa
    count: 4
    alg: RS256
    keys: { store: ${join(dir, 'keys', 'rsa.json')} }
  - name: ec
    count: 6
    idPattern: ec-{index}
    alg: ES256
    keys: { store: ${join(dir, 'keys', 'ec.json')} }
stages:
  - type: connect
  - type: publish
    rate: 10/s
    count: 3
    qos: 1
  - type: disconnect
`,
    );
    const reportDir = join(dir, 'reports');
    const run = await runCli(['run', file, '--report-dir', reportDir, '--quiet']);
    assert.equal(run.code, 0, run.stderr);
    const [name] = readdirSync(reportDir).filter((f) => f.endsWith('.json'));
    const result = JSON.parse(readFileSync(join(reportDir, name!), 'utf8')) as RunResult;
    assert.equal(result.status, 'complete');
    assert.match(result.broker.url, /^mqtts:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(result.total.counters['connected'], 10);
    assert.equal(result.total.counters['acked'], 30);
    const broker = result.broker.metrics!;
    assert.equal(broker.counters['auth.accepted'], 10);
    assert.equal(broker.counters['messagesIn'], 30);
    assert.ok((broker.counters['bytesIn'] ?? 0) > 0);
    // One verify-time histogram per algorithm, one entry per device of that algorithm.
    assert.equal(decodeHistogram(broker.histograms['verifyUs.RS256']!.encoded).totalCount, 4);
    assert.equal(decodeHistogram(broker.histograms['verifyUs.ES256']!.encoded).totalCount, 6);
  });

  for (const engine of ['lean', 'mqttjs'] as const) {
    it(`${engine}: a reconnect storm over TLS drops and brings back every device, resuming TLS sessions`, async () => {
      const file = join(dir, `storm-${engine}.yaml`);
      writeFileSync(
        file,
        `name: e2e-tls-storm-${engine}
workers: 2
embedded: { tls: true }
mqtt: { engine: ${engine}, tlsResumption: true, reconnect: { enabled: false } }
groups:
  - { name: d, count: 6, idPattern: 'storm-{index}', keys: { store: ${join(dir, 'keys', 'storm.json')} } }
stages:
  - type: connect
  - { type: hold, duration: 1s }
  - { type: reconnect-storm, percent: 100 }
  - { type: hold, duration: 1s }
  - type: disconnect
`,
      );
      const reportDir = join(dir, `reports-storm-${engine}`);
      const run = await runCli(['run', file, '--report-dir', reportDir, '--quiet']);
      assert.equal(run.code, 0, run.stderr);
      const [name] = readdirSync(reportDir).filter((f) => f.endsWith('.json'));
      const result = JSON.parse(readFileSync(join(reportDir, name!), 'utf8')) as RunResult;
      assert.equal(result.status, 'complete');
      assert.equal(result.total.counters['dropped'], 6);
      assert.equal(result.total.counters['reconnects'], 6);
      assert.equal(result.broker.metrics?.counters['auth.accepted'], 12);
    });
  }
});
