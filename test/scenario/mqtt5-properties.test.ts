import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseScenario } from '../../src/scenario/load.js';
import { connectExtras, messageProperties } from '../../src/worker/engines/message-properties.js';
import { configProblems as problems } from '../support/config-problems.js';

const head = `broker: mqtt://127.0.0.1:1883
groups:
  - name: a
    count: 2
`;

describe('MQTT 5 properties in the scenario', () => {
  it('plans CONNECT user properties, a will and PUBLISH properties, and renders them per device and message', () => {
    const { plan } = parseScenario(
      `${head}mqtt:
  protocolVersion: 5
  sessionExpiry: 1m
  clean: false
  userProperties: { site: 'lab-{deviceId}', fleet: blue }
  will:
    topic: wills/{deviceId}
    payload: gone {deviceId}
    qos: 1
    delay: 5s
    properties: { contentType: text/plain, payloadFormat: utf8, messageExpiry: 30s, userProperties: { why: dropped } }
stages:
  - type: connect
  - type: publish
    rate: 1/s
    count: 1
    properties:
      userProperties: { seq: '{seq}', from: '{group}/{deviceId}' }
      contentType: application/json
      payloadFormat: utf8
      messageExpiry: 10s
      topicAlias: auto
`,
      'x.yaml',
    );
    assert.deepEqual(plan.mqtt.userProperties, { site: 'lab-{deviceId}', fleet: 'blue' });
    assert.deepEqual(plan.mqtt.will, {
      topicTemplate: 'wills/{deviceId}',
      payloadTemplate: 'gone {deviceId}',
      qos: 1,
      retain: false,
      delaySec: 5,
      properties: { userProperties: { why: 'dropped' }, contentType: 'text/plain', payloadFormat: 'utf8', messageExpirySec: 30 },
    });
    const publish = plan.stages[1];
    assert.equal(publish?.type, 'publish');
    assert.deepEqual(publish.type === 'publish' ? publish.properties : null, {
      userProperties: { seq: '{seq}', from: '{group}/{deviceId}' },
      contentType: 'application/json',
      payloadFormat: 'utf8',
      messageExpirySec: 10,
      topicAlias: true,
    });
    assert.deepEqual(connectExtras(plan.mqtt, 'd-1'), {
      userProperties: { site: 'lab-d-1', fleet: 'blue' },
      will: {
        topic: 'wills/d-1',
        payload: Buffer.from('gone d-1'),
        qos: 1,
        retain: false,
        properties: {
          userProperties: { why: 'dropped' },
          contentType: 'text/plain',
          payloadFormatIndicator: true,
          messageExpiryInterval: 30,
          willDelayInterval: 5,
        },
      },
    });
    if (publish.type !== 'publish' || publish.properties === null) assert.fail('expected publish properties');
    assert.deepEqual(messageProperties(publish.properties, { deviceId: 'd-1', group: 'a', seq: 7 }), {
      userProperties: { seq: '7', from: 'a/d-1' },
      contentType: 'application/json',
      payloadFormatIndicator: true,
      messageExpiryInterval: 10,
    });
  });

  it('keeps a will on MQTT 3.1.1 without MQTT 5 properties', () => {
    const { plan } = parseScenario(`${head}mqtt:\n  will: { topic: 'wills/{deviceId}' }\nstages:\n  - type: connect\n`, 'x.yaml');
    assert.deepEqual(connectExtras(plan.mqtt, 'd-2'), { will: { topic: 'wills/d-2', payload: Buffer.from(''), qos: 0, retain: false } });
  });

  it('refuses MQTT 5 properties on a 3.1.1 scenario, each with its place, before anything connects', () => {
    const lines = problems(`${head}mqtt:
  userProperties: { site: lab }
  will:
    topic: wills/{deviceId}
    delay: 5s
    properties: { contentType: text/plain }
stages:
  - type: connect
  - type: publish
    rate: 1/s
    count: 1
    properties:
      contentType: application/json
      messageExpiry: 10s
      topicAlias: auto
`);
    assert.deepEqual(lines, [
      'x.yaml:17:20 stages.1.properties.contentType: contentType is an MQTT 5 property; set mqtt.protocolVersion: 5 (this scenario speaks MQTT 3.1.1)',
      'x.yaml:18:22 stages.1.properties.messageExpiry: messageExpiry is an MQTT 5 property; set mqtt.protocolVersion: 5 (this scenario speaks MQTT 3.1.1)',
      'x.yaml:19:19 stages.1.properties.topicAlias: a topic alias needs MQTT 5; set mqtt.protocolVersion: 5',
      'x.yaml:6:19 mqtt.userProperties: user properties is an MQTT 5 property; set mqtt.protocolVersion: 5 (this scenario speaks MQTT 3.1.1)',
      'x.yaml:9:12 mqtt.will.delay: the will delay is an MQTT 5 property; set mqtt.protocolVersion: 5 (this scenario speaks MQTT 3.1.1)',
      'x.yaml:10:17 mqtt.will.properties: will properties: each is an MQTT 5 property; set mqtt.protocolVersion: 5 (this scenario speaks MQTT 3.1.1)',
    ]);
  });

  it('refuses a will delay longer than the session expiry', () => {
    const base = `${head}mqtt:\n  protocolVersion: 5\n`;
    const stages = 'stages:\n  - type: connect\n';
    assert.deepEqual(problems(`${base}  sessionExpiry: 10s\n  will: { topic: w, delay: 1m }\n${stages}`), [
      'x.yaml:8:28 mqtt.will.delay: 1m is longer than the session expiry (mqtt.sessionExpiry 10s); the broker sends the will when the session ends',
    ]);
    assert.deepEqual(problems(`${base}  will: { topic: w, delay: 5s }\n${stages}`), [
      'x.yaml:7:28 mqtt.will.delay: 5s is longer than the session expiry (mqtt.sessionExpiry not set, 0); the broker sends the will when the session ends',
    ]);
    assert.equal(parseScenario(`${base}  sessionExpiry: 1m\n  will: { topic: w, delay: 1m }\n${stages}`, 'x.yaml').plan.mqtt.will?.delaySec, 60);
  });

  it('refuses a user property that is not a pair of strings', () => {
    const lines = problems(`${head}mqtt:
  protocolVersion: 5
  userProperties: { port: 1883, ok: 'yes' }
stages:
  - type: connect
  - type: publish
    rate: 1/s
    count: 1
    properties:
      userProperties: [site, lab]
`);
    assert.deepEqual(lines, [
      'x.yaml:7:27 mqtt.userProperties.port: a user property is a pair of strings (name: "value"); quote numbers and booleans (got 1883)',
      'x.yaml:14:23 stages.1.properties.userProperties: expected user properties as name: "value" pairs of strings (got ["site","lab"])',
    ]);
  });

  it('refuses templates a CONNECT cannot fill, fractions of seconds and wildcards in a will topic', () => {
    const lines = problems(`${head}mqtt:
  protocolVersion: 5
  userProperties: { n: '{seq}' }
  will: { topic: 'wills/+', properties: { messageExpiry: 1500ms } }
stages:
  - type: connect
`);
    assert.deepEqual(lines, [
      'x.yaml:7:24 mqtt.userProperties.n: {seq} cannot be filled here; use {deviceId}',
      'x.yaml:8:18 mqtt.will.topic: a will topic is a topic name, without + or # (got "wills/+")',
      'x.yaml:8:58 mqtt.will.properties.messageExpiry: must be whole seconds, at least 1s (got 1500ms)',
    ]);
  });
});
