import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { repoPath } from '../helpers.js';
import { runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-prom-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('--metrics-port', () => {
  it('serves live Prometheus text during a run, and the shipped dashboard asks only for metrics it serves', async () => {
    let scraped = '';
    let fetching: Promise<void> | undefined;
    const cli = await runCli(
      [
        'run',
        'scenarios/quickstart.yaml',
        '--set',
        'groups.0.count=20',
        '--set',
        'stages.0.rate=200/s',
        '--set',
        'stages.1.duration=4s',
        '--set',
        `groups.0.keys.store=${join(dir, 'keys.json')}`,
        // Not judging the generator: the endpoint is under test, not the shared machine's speed.
        '--set',
        'judgeGenerator=false',
        '--metrics-port',
        '0',
        '--progress',
        'lines',
        '--report-dir',
        join(dir, 'reports'),
      ],
      {
        onStderr: (text) => {
          const url = /metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(text)?.[1];
          if (url !== undefined && fetching === undefined && /stage 2\/3: publish/.test(text)) {
            fetching = new Promise((resolve) => setTimeout(resolve, 2500)).then(async () => {
              scraped = await (await fetch(url)).text();
            });
          }
        },
      },
    );
    await fetching;
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(scraped, /^mqtt_jwt_bench_connected\{scenario="quickstart"\} 20$/m);
    assert.match(scraped, /^mqtt_jwt_bench_target_devices\{scenario="quickstart"\} 20$/m);
    const acked = Number(/^mqtt_jwt_bench_acked_total\{scenario="quickstart"\} (\d+)$/m.exec(scraped)?.[1]);
    assert.ok(acked > 0 && acked <= 80, `acked ${acked}`);
    assert.match(scraped, /^mqtt_jwt_bench_publish_ack_seconds\{quantile="0\.99",scenario="quickstart"\} [\d.e-]+$/m);
    // Prometheus conventions: our prefix once, then prom-client's own `process_` / `nodejs_` names.
    assert.match(scraped, /^mqtt_jwt_bench_process_resident_memory_bytes/m);
    assert.match(scraped, /^mqtt_jwt_bench_process_cpu_seconds_total/m);
    assert.doesNotMatch(scraped, /process_process_/);
    // Every counter is exported from zero: each declared counter has a series, the usual error reasons too.
    const counters = [...scraped.matchAll(/^# TYPE (\S+) counter$/gm)].map((m) => m[1]!);
    assert.ok(counters.includes('mqtt_jwt_bench_errors_total'), counters.join(', '));
    for (const name of counters) assert.match(scraped, new RegExp(`^${name}(\\{[^}]*\\})? \\d`, 'm'), `${name} has a value`);
    assert.match(scraped, /^mqtt_jwt_bench_errors_total\{reason="connection-lost",scenario="quickstart"\} 0$/m);
    const dashboard = readFileSync(repoPath('deploy/grafana/mqtt-jwt-bench.json'), 'utf8');
    const asked = new Set([...dashboard.matchAll(/mqtt_jwt_bench_[a-z_]+/g)].map((m) => m[0]));
    for (const name of asked) assert.match(scraped, new RegExp(`^(# HELP )?${name}`, 'm'), `the dashboard asks for ${name}`);
  });
});
