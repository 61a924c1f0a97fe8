import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admitPublish, capabilitiesOf, fits } from '../../../src/worker/engines/broker-limits.js';

describe('broker limits (MQTT 5 §3.2.2.3)', () => {
  it("takes the spec's defaults for absent CONNACK properties", () => {
    assert.deepEqual(capabilitiesOf(undefined), {
      receiveMaximum: 65_535,
      maximumQos: 2,
      retainAvailable: true,
      maximumPacketSize: null,
      topicAliasMaximum: 0,
      wildcardSubscriptionAvailable: true,
      subscriptionIdentifiersAvailable: true,
      sharedSubscriptionAvailable: true,
      serverKeepAliveSec: null,
      assignedClientId: null,
    });
  });

  it('refuses or downgrades above Maximum QoS as the scenario chose, and refuses retain without Retain Available', () => {
    const caps = capabilitiesOf({ maximumQoS: 1, retainAvailable: false, maximumPacketSize: 100, serverKeepAlive: 10, receiveMaximum: 5 });
    assert.equal(caps.receiveMaximum, 5);
    assert.equal(caps.serverKeepAliveSec, 10);
    assert.equal(admitPublish(caps, 2, false, 'refuse'), 'limit.qos-not-supported');
    assert.equal(admitPublish(caps, 2, false, 'downgrade'), 1);
    assert.equal(admitPublish(caps, 1, false, 'refuse'), 1);
    assert.equal(admitPublish(caps, 0, true, 'downgrade'), 'limit.retain-not-supported');
    assert.equal(fits(caps, 100), true);
    assert.equal(fits(caps, 101), false);
    assert.equal(fits(undefined, 1e9), true);
  });
});
