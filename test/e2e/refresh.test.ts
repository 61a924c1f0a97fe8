import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { loadScenario, run } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-refresh-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('token refresh in a run longer than the token lifetime', () => {
  for (const engine of ['mqttjs', 'lean'] as const) {
    it(`reconnects every device with fresh tokens, counted apart and never as failures, losing no message (${engine})`, async () => {
      const file = join(dir, `refresh-${engine}.yaml`);
      writeFileSync(
        file,
        `name: refresh
workers: 2
mqtt: { engine: ${engine} }
groups:
  - name: short-lived
    count: 10
    keys: { store: ${join(dir, 'keys.json')} }
    token: { lifetime: 6s, refreshBefore: 2s }
stages:
  - type: connect
  - type: publish
    rate: 2/s
    count: 24
    qos: 1
  - type: disconnect
`,
      );
      const result = await run(await loadScenario(file));
      const c = result.total.counters;
      assert.equal(result.status, 'complete');
      assert.equal(c['connected'], 10);
      // Tokens of 6 s (iat in whole seconds), refreshed 2–3 s before exp: every 2.5–4 s, 3 to 5 times in 12 s.
      assert.ok((c['refreshes'] ?? 0) >= 20 && (c['refreshes'] ?? 0) <= 60, `refreshes: ${c['refreshes']}`);
      assert.deepEqual(result.total.errors, {}, JSON.stringify(result.broker.metrics?.counters));
      assert.deepEqual(result.total.connectFailures, {});
      assert.equal(c['published'], 240);
      assert.equal(c['acked'], 240);
      // Fresh tokens are signed a little ahead of need; one signed for a refresh that the end of the
      // run overtook is counted as signed but never sent.
      assert.ok((c['tokensSigned'] ?? 0) >= 10 + (c['refreshes'] ?? 0));
      assert.equal(decodeHistogram(result.total.histograms['refreshUs']!.encoded).totalCount, c['refreshes']);
      // The broker saw one authenticated CONNECT per connect and per refresh.
      assert.equal(result.broker.metrics?.counters['auth.accepted'], 10 + (c['refreshes'] ?? 0));
    });
  }
});
