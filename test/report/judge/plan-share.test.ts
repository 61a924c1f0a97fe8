import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runExitCode } from '../../../src/report/judge/exit-code.js';
import { caveatsOf } from '../../../src/report/judge/caveats.js';
import { formatSummary } from '../../../src/report/render/console.js';
import { renderRunHtml } from '../../../src/report/render/html.js';
import { judgePlanShare, notRunReason, planShareOf, sharePhrase } from '../../../src/report/judge/plan-share.js';
import type { PlanShare, RunResult } from '../../../src/report/model/run-result.js';
import { concludeRun } from '../../../src/report/judge/verdict.js';
import { fixtureResult, PLAN } from '../fixture.js';

const share = (over: Partial<PlanShare>): PlanShare => ({
  devicesPlanned: 200,
  devicesConnected: 200,
  messagesPlanned: 3000,
  messagesSent: 3000,
  minSentPercent: 95,
  expect: 'delivery',
  ...over,
});

describe('the share of its plan a run carried out', () => {
  it('counts a slice exactly: the shards of a plan add up to the whole', () => {
    const whole = planShareOf(PLAN, fixtureResult({ seed: 1 }).total);
    assert.deepEqual([whole.devicesPlanned, whole.messagesPlanned], [60, 600]);
    for (const count of [2, 3, 7, 64]) {
      const slices = Array.from({ length: count }, (_, index) => planShareOf(PLAN, fixtureResult({ seed: 1 }).total, { index, count }));
      assert.equal(
        slices.reduce((n, s) => n + s.devicesPlanned, 0),
        60,
        `${count} shards`,
      );
      assert.equal(
        slices.reduce((n, s) => n + s.messagesPlanned, 0),
        600,
        `${count} shards`,
      );
    }
  });

  it('says a run did not happen when no device connected, or it sent under its minimum share', () => {
    assert.equal(notRunReason(share({ devicesConnected: 0, messagesSent: 0 }), false), 'no device connected (0 of 200)');
    assert.equal(notRunReason(share({ messagesSent: 977 }), false), 'sent 977 of 3,000 messages (32.6%), under the minimum of 95%');
    assert.equal(notRunReason(share({ messagesSent: 2850 }), false), undefined);
    assert.equal(notRunReason(share({ messagesSent: 2000, minSentPercent: 50 }), false), undefined);
    assert.equal(notRunReason(share({ messagesSent: 0, minSentPercent: 0 }), false), undefined);
  });

  it('counts a refused publish as not delivered: a run the broker mostly refused did not happen', () => {
    assert.equal(
      notRunReason(share({ messagesSent: 3000, messagesRefused: 2000 }), false),
      'delivered 1,000 of 3,000 messages (33.3%), 2,000 refused, under the minimum of 95%',
    );
    assert.equal(notRunReason(share({ messagesSent: 3000, messagesRefused: 100 }), false), undefined);
    assert.equal(notRunReason(share({ messagesSent: 3000, messagesRefused: 3000, expect: 'refusals' }), false), undefined);
    const result = fixtureResult({ seed: 1 });
    const refused = { ...result.total, counters: { ...result.total.counters, refused: result.total.counters['published'] ?? 0 } };
    assert.equal(planShareOf(PLAN, refused).messagesRefused, refused.counters['refused']);
  });

  it('shows what an MQTT 5 broker announced, and the sends its Receive Maximum held back, in the console', () => {
    const result = fixtureResult({ seed: 1 });
    const caps = {
      receiveMaximum: 5,
      maximumQos: 1 as const,
      retainAvailable: false,
      maximumPacketSize: 2000,
      topicAliasMaximum: 10,
      wildcardSubscriptionAvailable: true,
      subscriptionIdentifiersAvailable: false,
      sharedSubscriptionAvailable: true,
      serverKeepAliveSec: 10,
      assignedClientId: null,
    };
    const pace = {
      planned: { actions: 100, durationMs: 1000, ratePerSec: 100 },
      achieved: { actions: 100, durationMs: 1000, ratePerSec: 100 },
      lastActionLateMs: 0,
      achievedRatio: 1,
      behindPlan: false,
    };
    const stages = result.stages.map((s, i) =>
      i > 0 ? s : { ...s, pace, total: { ...s.total, counters: { ...s.total.counters, heldByReceiveMaximum: 42 } } },
    );
    const text = formatSummary({
      ...result,
      stages,
      broker: { ...result.broker, capabilities: { 'mqtt://127.0.0.1:1883': caps }, reasonStrings: { 'errors.refused.not-authorized': ['ACL'] } },
    });
    assert.match(
      text,
      /broker announced \(mqtt:\/\/127\.0\.0\.1:1883\): Receive Maximum 5 · Maximum QoS 1 · Retain Available no · Maximum Packet Size 2000 B · Topic Alias Maximum 10 · Wildcard subscriptions yes · Shared subscriptions yes · Subscription identifiers no · Server Keep Alive 10 s · Assigned client id none/,
    );
    assert.match(text, /reason strings, errors\.refused\.not-authorized: "ACL"/);
    assert.match(text, /42 sends held back by the broker's Receive Maximum \(5\)/);
    assert.match(renderRunHtml({ ...result, broker: { ...result.broker, capabilities: { 'mqtt://127.0.0.1:1883': caps } } }), /What the broker announced/);
  });

  it('lets a scenario say refusals were expected, and holds no capacity search to the share', () => {
    assert.equal(notRunReason(share({ devicesConnected: 0, messagesSent: 0, expect: 'refusals' }), false), undefined);
    assert.equal(notRunReason(share({ messagesSent: 10 }), true), undefined);
    assert.equal(notRunReason(share({ devicesConnected: 0, messagesSent: 0 }), true), 'no device connected (0 of 200)');
  });

  it('turns a complete run that did not happen into failed, exit 5; a crash stays 4', () => {
    const base = fixtureResult({ seed: 1 });
    const refused = judgePlanShare({ ...base, planShare: share({ devicesConnected: 0, messagesSent: 0 }) });
    assert.equal(refused.status, 'failed');
    assert.equal(refused.statusReason, 'no device connected (0 of 200)');
    assert.equal(runExitCode(refused, false), 5);
    const crashed: RunResult = { ...base, status: 'failed', statusReason: 'worker 0 crashed', planShare: share({ devicesConnected: 0, messagesSent: 0 }) };
    assert.equal(runExitCode(judgePlanShare(crashed), false), 4);
    assert.equal(runExitCode(judgePlanShare({ ...base, planShare: share({}) }), false), 0);
  });

  it('an interrupted run says how much of its plan ran, in the status line and the badge', () => {
    const base = fixtureResult({ seed: 1 });
    const interrupted = concludeRun(
      { ...base, status: 'interrupted', statusReason: 'stopped by signal', planShare: share({ messagesSent: 977 }) },
      { slice: false },
    );
    assert.equal(interrupted.status, 'interrupted');
    assert.deepEqual(
      caveatsOf(interrupted).map((c) => c.message),
      ['interrupted after 977 of 3,000 messages (32.6%) of the plan'],
    );
    assert.equal(sharePhrase({ messagesSent: 977, messagesPlanned: 3000 }), '977 of 3,000 messages (32.6%)');
    assert.match(formatSummary(interrupted), /· INTERRUPTED · 33% OF THE PLAN RAN \(stopped by signal\)\n/);
    assert.match(formatSummary(interrupted), /^plan: 200 of 200 devices connected · sent 977 of 3,000 messages \(32\.6%\) of the plan$/m);
    assert.match(renderRunHtml(interrupted), /<span class="badge interrupted caveat">interrupted · 33% of the plan ran<\/span>/);
  });

  it('lost connections are in the status and the badge, not only the subtitle', () => {
    const base = fixtureResult({ seed: 1 });
    const lost = concludeRun(
      { ...base, total: { ...base.total, errors: { ...base.total.errors, 'connection-lost': 12 }, counters: { ...base.total.counters, reconnects: 12 } } },
      { slice: false },
    );
    assert.equal(lost.status, 'complete');
    assert.deepEqual(
      lost.caveats?.map((c) => c.kind),
      ['connections-lost'],
    );
    assert.match(formatSummary(lost), /· COMPLETE · CONNECTIONS LOST\n/);
    assert.match(renderRunHtml(lost), /<span class="badge complete caveat">complete · connections lost<\/span>/);
  });
});
