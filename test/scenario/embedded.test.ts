import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseScenario } from '../../src/scenario/load.js';

const scenario = (embedded: string, extra = '', qos = 1): string => `${extra}embedded:
${embedded}
groups:
  - name: a
    count: 2
stages:
  - type: connect
  - type: publish
    rate: 1/s
    count: 1
    qos: ${qos}
`;

function message(text: string): string {
  try {
    parseScenario(text, 'x.yaml');
  } catch (error) {
    assert.equal((error as { code: string }).code, 'ERR_CONFIG');
    return (error as Error).message;
  }
  assert.fail('expected a ConfigError');
}

describe('embedded broker settings', () => {
  it('has the documented defaults', () => {
    const { plan } = parseScenario(scenario('  requireKid: true'), 'x.yaml');
    assert.deepEqual(plan.embedded, {
      skewSec: 60,
      maxLifetimeSec: 86_400,
      requireKid: true,
      maxTokenBytes: 8192,
      tls: false,
      expiryDisconnect: true,
      maxQos: 1,
      connectTimeoutMs: 10_000,
      maxPacketBytes: 262_144,
      downlink: null,
    });
  });

  it('takes tls, QoS 2, downlinks, sizes and turns expiry off', () => {
    const { plan } = parseScenario(
      scenario('  tls: true\n  maxQos: 2\n  expiryDisconnect: false\n  maxPacketSize: 64KiB\n  downlink: { interval: 5s, qos: 0 }', '', 2),
      'x.yaml',
    );
    assert.equal(plan.embedded.tls, true);
    assert.equal(plan.embedded.maxQos, 2);
    assert.equal(plan.embedded.expiryDisconnect, false);
    assert.equal(plan.embedded.maxPacketBytes, 65_536);
    assert.deepEqual(plan.embedded.downlink, { intervalMs: 5000, qos: 0 });
  });

  it('refuses a QoS 2 publish stage unless maxQos is 2, before anything connects', () => {
    assert.match(message(scenario('  tls: false', '', 2)), /stages\.1\.qos.*QoS 2 is refused by the embedded broker unless embedded\.maxQos is 2/);
  });

  it('takes MQTT 5 against the embedded broker (Aedes 2 speaks it)', () => {
    const { plan } = parseScenario(scenario('  tls: false', 'mqtt:\n  protocolVersion: 5\n'), 'x.yaml');
    assert.equal(plan.mqtt.protocolVersion, 5);
  });

  it('lets an external broker have QoS 2 and MQTT 5', () => {
    const { plan } = parseScenario(scenario('  tls: false', 'broker: mqtt://127.0.0.1:1883\nmqtt:\n  protocolVersion: 5\n', 2), 'x.yaml');
    assert.equal(plan.mqtt.protocolVersion, 5);
  });
});
