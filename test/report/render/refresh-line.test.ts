import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refreshLine } from '../../../src/report/render/console.js';
import { compareColumns } from '../../../src/report/compare/compare.js';
import type { MetricsSection } from '../../../src/report/model/run-result.js';

const section = (counters: Record<string, number>): MetricsSection => ({ counters, histograms: {}, errors: {}, connectFailures: {} });

describe('token refreshes in the console summary and in compare', () => {
  it('says how tokens were refreshed, and which devices fell back from reauth and why', () => {
    assert.equal(refreshLine(section({ devices: 3 })), undefined);
    assert.equal(refreshLine(section({ refreshes: 4 })), 'token refreshes: 4 by reconnect · 0 by re-authentication (AUTH)');
    assert.equal(
      refreshLine(section({ refreshes: 2, reauths: 9, reauthFallbacks: 3, 'reauthFallback.bad-authentication-method': 2, 'reauthFallback.timeout': 1 })),
      'token refreshes: 2 by reconnect · 9 by re-authentication (AUTH) · 3 devices fell back from reauth to reconnecting (bad-authentication-method 2, timeout 1)',
    );
  });

  it('compares refresh bytes per refresh, refreshes by kind and subscriptions made again', () => {
    const comparison = compareColumns([
      { label: 'reauth', durationMs: 1000, section: section({ reauths: 10, refreshBytes: 4170 }) },
      { label: 'reconnect', durationMs: 1000, section: section({ refreshes: 10, refreshBytes: 4100, resubscribed: 10 }) },
    ]);
    const row = (metric: string) => comparison.rows.find((r) => r.metric === metric);
    assert.deepEqual(row('refreshBytes.perRefresh')?.values, [417, 410]);
    assert.deepEqual(row('counters.reauths')?.values, [10, 0]);
    assert.deepEqual(row('counters.refreshes')?.values, [0, 10]);
    assert.deepEqual(row('counters.resubscribed')?.values, [0, 10]);
    assert.deepEqual(row('counters.resubscribed')?.judgements, ['baseline', 'worse']);
  });
});
