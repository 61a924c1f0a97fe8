/**
 * The shipped re-authenticate-or-reconnect pair (scenarios/reauth-vs-reconnect.yaml), scaled down,
 * against the embedded broker over MQTT 5 on both engines: one group refreshes its tokens by AUTH
 * 0x19 on the open connection, the other by reconnecting, interleaved, while both publish at QoS 1
 * and hear downlinks. What the harness counts is checked against the broker's own counts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { loadScenario, run } from '../../src/index.js';
import { compareGroups } from '../../src/report/compare/compare.js';
import { groupsVerdict } from '../../src/report/compare/compare-verdict.js';
import { repoPath } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-reauth-run-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const PER_GROUP = 5;

describe('reauth-vs-reconnect, scaled down, against the embedded broker', () => {
  for (const engine of ['lean', 'mqttjs'] as const) {
    it(`${engine}: the reauth group refreshes by AUTH without reconnecting or resubscribing, the reconnect group by reconnecting; nothing lost`, async () => {
      const loaded = await loadScenario(repoPath('scenarios/reauth-vs-reconnect.yaml'), {
        env: { DURATION: '9s' },
        sets: [
          'workers=2',
          `mqtt.engine=${engine}`,
          'embedded.downlink.interval=2s',
          'stages.0.rate=100/s',
          'stages.2.rate=2/s',
          ...[0, 1].flatMap((g) => [
            `groups.${g}.count=${PER_GROUP}`,
            `groups.${g}.keys.store=${join(dir, `${engine}-${g}.json`)}`,
            `groups.${g}.token.lifetime=6s`,
            `groups.${g}.token.refreshBefore=2s`,
          ]),
        ],
      });
      const result = await run(loaded);
      assert.equal(result.status, 'complete', result.statusReason);
      assert.deepEqual(result.total.errors, {});
      assert.deepEqual(result.total.connectFailures, {});
      const reauth = result.groups['reauth']?.counters ?? {};
      const reconnect = result.groups['reconnect']?.counters ?? {};
      // 6 s tokens refreshed 2–3 s before exp over 9 s of publishing: at least twice per device.
      assert.ok((reauth['reauths'] ?? 0) >= 2 * PER_GROUP, `reauths: ${reauth['reauths']}`);
      assert.equal(reauth['refreshes'], undefined, 'the reauth group never reconnected');
      assert.equal(reauth['resubscribed'], undefined, 'nor subscribed again');
      assert.equal(reauth['reauthFallbacks'], undefined);
      assert.ok((reconnect['refreshes'] ?? 0) >= 2 * PER_GROUP, `refreshes: ${reconnect['refreshes']}`);
      assert.equal(reconnect['reauths'], undefined);
      assert.equal(reconnect['resubscribed'], reconnect['refreshes']);
      for (const c of [reauth, reconnect]) {
        assert.equal(c['connected'], PER_GROUP);
        assert.equal(c['published'], 18 * PER_GROUP);
        assert.equal(c['acked'], c['published']);
        assert.ok((c['received'] ?? 0) > 0, 'downlinks arrived');
      }
      const reauthUs = result.groups['reauth']?.histograms['reauthUs'];
      assert.equal(reauthUs === undefined ? 0 : decodeHistogram(reauthUs.encoded).totalCount, reauth['reauths']);
      // The broker's side: every AUTH accepted, and one authenticated CONNECT per connect and per reconnecting refresh.
      const broker = result.broker.metrics?.counters ?? {};
      assert.equal(broker['reauth.accepted'], reauth['reauths']);
      assert.equal(broker['auth.accepted'], 2 * PER_GROUP + (reconnect['refreshes'] ?? 0));
      // compare --groups puts the refresh costs side by side.
      const rows = compareGroups(result).rows;
      const bytes = rows.find((r) => r.metric === 'refreshBytes.perRefresh')?.values ?? [];
      assert.equal(bytes.length, 2);
      assert.ok(bytes.every((b) => b !== null && b > 0));
      assert.ok(rows.some((r) => r.metric === 'reauthUs.p99'));
      const verdict = groupsVerdict(compareGroups(result));
      assert.match(
        verdict,
        /^reconnect against reauth in one run .*a token refresh is \d+ B and \d+ B of MQTT on the wire .*publish → ack takes .* at p99 .*subscriptions made again: 0 and \d+/,
      );
    });
  }
});
