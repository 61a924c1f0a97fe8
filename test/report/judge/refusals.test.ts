/** The cause of a run that cannot measure, in words (issue 24, item 3): pure, from the counters. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allConnectsFailed, noneConnectedAtPublish } from '../../../src/report/judge/refusals.js';

const section = (counters: Record<string, number>, connectFailures: Record<string, number>) => ({ counters, connectFailures });

describe('why nothing can be measured', () => {
  it('every connect of a stage failed: the reasons, most first, and a credentials hint for a refusal', () => {
    assert.equal(
      allConnectsFailed(section({ connectAttempts: 200, connectFailed: 200 }, { 'not-authorized': 150, 'bad-username-or-password': 50 })),
      "every connect failed (not-authorized 150, bad-username-or-password 50 of 200): check the broker's credentials: does it know these devices' public keys (`keys export` writes them for it), their alg, and the username and audience their tokens carry?",
    );
    // MQTT 5 reason codes and socket errors count the same; a socket error hints at reachability.
    assert.match(
      allConnectsFailed(section({ connectAttempts: 3, connectFailed: 3 }, { ECONNREFUSED: 3 })) ?? '',
      /ECONNREFUSED 3 of 3\): check that the broker is up and reachable/,
    );
    assert.match(allConnectsFailed(section({ connectAttempts: 3, connectFailed: 3 }, { banned: 3 })) ?? '', /banned 3 of 3\): check the broker's credentials/);
  });

  it('says nothing when any device connected or none tried', () => {
    assert.equal(allConnectsFailed(section({ connectAttempts: 200, connected: 1, connectFailed: 199 }, { 'not-authorized': 199 })), undefined);
    assert.equal(allConnectsFailed(section({}, {})), undefined);
  });

  it('a publish stage with no device connected names the earlier failures', () => {
    assert.equal(noneConnectedAtPublish(3, section({ connected: 4 }, {})), 'no device connected when publish stage 3 was to start');
    assert.match(
      noneConnectedAtPublish(2, section({}, { 'not-authorized': 4 })),
      /^no device connected when publish stage 2 was to start; connects failed with not-authorized 4: check the broker's credentials/,
    );
  });
});

describe('error kinds in words', () => {
  it('names the internal kinds for people, keeping the kind beside them', async () => {
    const { errorLabel } = await import('../../../src/report/render/labels.js');
    assert.equal(errorLabel('suback-128'), 'subscription refused, SUBACK 0x80 (suback-128)');
    assert.equal(errorLabel('suback.not-authorized'), 'subscription refused: not authorized (suback.not-authorized)');
    assert.equal(errorLabel('refused.quota-exceeded'), 'publish refused by the broker: quota exceeded (refused.quota-exceeded)');
    assert.equal(errorLabel('limit.packet-too-large'), "not sent: over the broker's limit: packet too large (limit.packet-too-large)");
    assert.equal(errorLabel('not-connected'), 'not sent: the device held no connection (not-connected)');
    assert.equal(errorLabel('refresh-failed.not-authorized'), 'token refresh failed: not-authorized (refresh-failed.not-authorized)');
    assert.equal(errorLabel('something-new'), 'something-new');
  });
});
