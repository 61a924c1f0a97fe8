import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mqtt5Uses, refusalOfMqtt5 } from '../../src/coordinator/probe.js';
import { planOf } from '../worker/support/fakes.js';

describe('the MQTT 5 probe before a run that needs MQTT 5 for its tokens', () => {
  it('reads a broker without MQTT 5 from its answer: CONNACK 0x01 in 3.1.1 shape, 0x84, or a close with no answer', () => {
    assert.match(refusalOfMqtt5(Buffer.from([0x20, 0x02, 0x00, 0x01]), true) ?? '', /CONNACK 0x01 \(unacceptable protocol version\): it speaks MQTT 3\.1\.1$/);
    assert.match(refusalOfMqtt5(Buffer.from([0x20, 0x03, 0x00, 0x84, 0x00]), true) ?? '', /CONNACK 0x84/);
    assert.match(refusalOfMqtt5(Buffer.alloc(0), true) ?? '', /closed the connection without answering/);
  });

  it('lets the run go on when the broker answered as an MQTT 5 broker, refusals included, or said nothing in time', () => {
    assert.equal(refusalOfMqtt5(Buffer.from([0x20, 0x03, 0x00, 0x00, 0x00]), false), undefined);
    assert.equal(refusalOfMqtt5(Buffer.from([0x20, 0x03, 0x00, 0x87, 0x00]), true), undefined);
    assert.equal(refusalOfMqtt5(Buffer.from([0x20, 0x03, 0x00, 0x86, 0x00]), true), undefined);
    assert.equal(refusalOfMqtt5(Buffer.alloc(0), false), undefined);
  });

  it('probes only plans that present or refresh a token over MQTT 5, and names what they use', () => {
    const groups = (refresh: string) => `groups:\n  - { name: a, count: 1, token: { refresh: ${refresh} } }\nstages:\n  - type: connect\n`;
    assert.equal(mqtt5Uses(planOf(`mqtt: { protocolVersion: 5 }\n${groups('reconnect')}`)), '');
    assert.equal(mqtt5Uses(planOf(`mqtt: { protocolVersion: 5, auth: method }\n${groups('reconnect')}`)), ' (with mqtt.auth: method)');
    assert.equal(mqtt5Uses(planOf(`mqtt: { protocolVersion: 5, auth: method }\n${groups('reauth')}`)), ' (with mqtt.auth: method and token.refresh: reauth)');
  });
});
