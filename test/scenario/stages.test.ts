import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseScenario } from '../../src/scenario/load.js';
import { describePlan } from '../../src/scenario/describe.js';
import { isDropped } from '../../src/scenario/plan-stages.js';
import { stormRank } from '../../src/worker/stages/reconnect-storm.js';
import { configProblems } from '../support/config-problems.js';

const groups = `groups:
  - name: a
    count: 10
`;

function plan(text: string) {
  return parseScenario(text, 'x.yaml').plan;
}

const problems = configProblems;

describe('stages', () => {
  it('plans a connect ramp, a total publish rate, a disconnect rate, a storm and a pause', () => {
    const p = plan(`${groups}stages:
  - type: connect
    ramp: { from: 5/s, to: 20/s, over: 2s }
  - type: publish
    totalRate: 5/s
    count: 3
  - type: reconnect-storm
    percent: 30
    rate: 10/s
  - type: pause
    duration: 1s
  - type: disconnect
    rate: 100/s
`);
    assert.deepEqual(p.stages, [
      { type: 'connect', groups: ['a'], ratePerSec: null, ramp: { fromPerSec: 5, toPerSec: 20, overMs: 2000 }, order: 'grouped' },
      { type: 'publish', groups: ['a'], ratePerDevicePerSec: 0.5, countPerDevice: 3, qos: 1, retain: false, order: 'grouped', properties: null },
      { type: 'reconnect-storm', groups: ['a'], percent: 30, ratePerSec: 10 },
      { type: 'pause', groups: [], durationMs: 1000 },
      { type: 'disconnect', groups: ['a'], ratePerSec: 100 },
    ]);
  });

  it('refuses what cannot work together, every problem at once with its place', () => {
    const lines = problems(`${groups}mqtt:
  sessionExpiry: 1h
stages:
  - type: pause
    duration: 1s
  - type: connect
    rate: 10/s
    ramp: { from: 1/s, to: 2/s, over: 1s }
  - type: publish
    rate: 1/s
    totalRate: 10/s
    count: 1
  - type: reconnect-storm
    percent: 0
  - type: disconnect
  - type: disconnect
    rate: 0/s
`);
    assert.deepEqual(lines, [
      'x.yaml:17:14 stages.3.percent: Too small: expected number to be >0 (got 0)',
      'x.yaml:20:11 stages.5.rate: expected a rate above zero (got "0/s")',
    ]);
    const cross = problems(`${groups}mqtt:
  sessionExpiry: 1h
stages:
  - type: pause
    duration: 1s
  - type: connect
    rate: 10/s
    ramp: { from: 1/s, to: 2/s, over: 1s }
  - type: publish
    rate: 1/s
    totalRate: 10/s
    count: 1
  - type: disconnect
  - type: disconnect
`);
    assert.deepEqual(cross, [
      'x.yaml:9:5 stages.1: give either rate or ramp, not both',
      'x.yaml:12:5 stages.2: a publish stage needs exactly one of rate (per device) or totalRate (across its devices)',
      'x.yaml:17:5 stages.4: disconnect stage needs group "a" connected by an earlier connect stage',
      'x.yaml:5:18 mqtt.sessionExpiry: session expiry is an MQTT 5 property; set protocolVersion: 5 (3.1.1 has only clean: true/false)',
    ]);
  });

  it('a pause needs no connection; a storm does', () => {
    assert.deepEqual(problems(`${groups}stages:\n  - type: pause\n    duration: 1s\n  - type: reconnect-storm\n    percent: 10\n`), [
      'x.yaml:7:5 stages.1: reconnect-storm stage needs group "a" connected by an earlier connect stage',
    ]);
  });

  it('sends session expiry on MQTT 5', () => {
    const p = plan(`${groups}broker: mqtt://127.0.0.1:1883\nmqtt: { protocolVersion: 5, clean: false, sessionExpiry: 1h }\nstages:\n  - type: connect\n`);
    assert.deepEqual(
      { ...p.mqtt, reconnect: undefined, engine: undefined, tlsResumption: undefined, qosAboveMaximum: undefined, auth: undefined },
      {
        protocolVersion: 5,
        keepaliveSec: 60,
        connectTimeoutMs: 30_000,
        clean: false,
        sessionExpirySec: 3600,
        userProperties: {},
        will: null,
        reconnect: undefined,
        engine: undefined,
        tlsResumption: undefined,
        qosAboveMaximum: undefined,
        auth: undefined,
      },
    );
  });

  it('wants at least two rated connect steps for a capacity search', () => {
    assert.deepEqual(problems(`${groups}capacity: { thresholds: ['connect.p(99)<1s'] }\nstages:\n  - type: connect\n    rate: 10/s\n`), [
      'x.yaml:4:11 capacity: a capacity search needs at least two connect stages with a rate, one per step (found 1)',
    ]);
  });

  it('wants a timestamp in the payload where uplink latency is measured', () => {
    const text = `broker: mqtt://127.0.0.1:1883
groups:
  - { name: sensors, count: 2, payload: 'no time here' }
  - { name: backend, count: 1, idPattern: backend }
stages:
  - type: connect
  - type: subscribe
    groups: [backend]
    topic: /up/device/id/+
    measure: uplink
  - type: publish
    groups: [sensors]
    rate: 1/s
    count: 1
`;
    assert.deepEqual(problems(text), [
      'x.yaml:10:14 stages.1.measure: uplink latency needs a publishing group whose payload carries {timestamp} (or a sized payload)',
    ]);
    assert.equal(plan(text.replace("'no time here'", '{ size: 64B }')).groups[0]?.payload.kind, 'size');
  });

  it('checks payload placeholders where they are written', () => {
    assert.deepEqual(problems(`groups:\n  - name: a\n    count: 1\n    payload: { json: { t: '{random:9..1}' } }\nstages:\n  - type: connect\n`), [
      'x.yaml:4:14 groups.0.payload: {random:9..1}: MIN 9 is greater than MAX 1',
    ]);
  });
});

describe('validate, in words', () => {
  it('says what every new stage does and how long it takes', () => {
    const p = plan(`broker: mqtt://127.0.0.1:1883
groups:
  - { name: backend, count: 1, idPattern: 'backend-{index}' }
  - { name: sensors, count: 100, payload: { size: 1KiB } }
stages:
  - type: connect
    ramp: { from: 10/s, to: 30/s, over: 5s }
  - { type: subscribe, groups: [sensors] }
  - { type: downlink, from: backend, totalRate: 50/s, count: 2 }
  - { type: reconnect-storm, groups: [sensors], percent: 10, rate: 5/s }
  - { type: pause, duration: 3s }
  - { type: disconnect, rate: 101/s }
`);
    const d = describePlan(p);
    assert.match(d.lines[2]!, /sensors: 100 ES256 devices \(device-\{index:05\}\), .*, payloads of 1024 B$/);
    assert.deepEqual(d.lines.slice(3, 9), [
      // 101 devices on a ramp that holds (10 + 30) / 2 · 5 = 100: the ramp, then one more at 30/s.
      '1. 101 devices (backend, sensors) connect ramping from 10/s to 30/s over 5s (5.0 s)',
      '2. 100 devices (sensors) subscribe to /down/device/id/{deviceId} at QoS 1 and measure downlink latency',
      '3. backend sends 100 devices (sensors) 30/min downlinks each on /down/device/id/{deviceId}, 2 each, at QoS 1: 200 messages at 50 msg/s (4.0 s)',
      '4. 100 devices (sensors): 10% (10) drop their connections abruptly and reconnect at 5/s (2.0 s)',
      '5. pause (3.0 s)',
      '6. 101 devices (backend, sensors) disconnect at 101/s (1.0 s)',
    ]);
  });
});

describe('downlink stage', () => {
  const base = `broker: mqtt://127.0.0.1:1883
groups:
  - { name: backend, count: 2, idPattern: 'backend-{index}' }
  - { name: devices, count: 10 }
stages:
  - type: connect
`;
  it('plans a backend sending to every other group, at a total rate shared by the receivers', () => {
    const p = plan(`${base}  - type: subscribe
    groups: [devices]
  - type: downlink
    from: backend
    totalRate: 5/s
    duration: 4s
`);
    assert.deepEqual(p.stages[2], {
      type: 'downlink',
      groups: ['devices'],
      from: 'backend',
      ratePerDevicePerSec: 0.5,
      countPerDevice: 2,
      qos: 1,
      retain: false,
      topicTemplate: '/down/device/id/{deviceId}',
    });
  });

  it('wants receivers that subscribed, a known sender, and a broker that lets a backend publish', () => {
    assert.deepEqual(
      problems(`${base}  - type: downlink
    from: backnd
    rate: 1/s
    count: 1
`),
      [
        'x.yaml:8:11 stages.1.from: no group named "backnd" (groups: backend, devices)',
        'x.yaml:8:11 stages.1.from: group "backnd" must be connected by an earlier connect stage to send downlinks',
        'x.yaml:7:5 stages.1.groups: backend, devices must subscribe (a subscribe stage before this one) to receive and time downlinks',
      ],
    );
    const embedded = problems(`${base.replace('mqtt://127.0.0.1:1883', 'embedded')}  - type: subscribe
    groups: [devices]
  - type: downlink
    from: backend
    rate: 1/s
    count: 1
`);
    assert.deepEqual(embedded, [
      'x.yaml:9:5 stages.2: the embedded broker lets a device publish only to its own uplink topic; it sends downlinks itself with embedded.downlink',
    ]);
  });
});

describe('id list files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ids-'));
  const file = join(dir, 'ids.txt');
  writeFileSync(file, '\uFEFF# fleet\nalpha\n\nbeta\r\ngamma\n');

  it('gives the devices their ids, and the count by default', () => {
    const p = plan(`groups:\n  - name: a\n    ids: ${file}\nstages:\n  - type: connect\n`);
    assert.equal(p.groups[0]?.count, 3);
    assert.deepEqual(p.groups[0]?.ids, ['alpha', 'beta', 'gamma']);
    assert.deepEqual(plan(`groups:\n  - name: a\n    ids: ${file}\n    count: 2\nstages:\n  - type: connect\n`).groups[0]?.ids, ['alpha', 'beta']);
  });

  it('refuses a missing file, too few ids, duplicates, bad ids, and ids with idPattern', () => {
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, 'one\ntwo words\none\n');
    const lines = problems(`groups:
  - { name: a, ids: ${join(dir, 'none.txt')} }
  - { name: b, ids: ${file}, count: 5 }
  - { name: c, ids: ${bad} }
  - { name: d, ids: ${file}, idPattern: 'x-{index}' }
  - { name: e }
stages:
  - type: connect
`);
    assert.equal(lines.length, 7, lines.join('\n'));
    assert.match(lines[0]!, /groups\.0\.ids: cannot read .*none\.txt: ENOENT/);
    assert.match(lines[1]!, /groups\.1\.count: 5 devices, but .*ids\.txt holds only 3 ids/);
    assert.match(lines[2]!, /groups\.2\.ids: .*bad\.txt:2: "two words" cannot be a client id/);
    assert.match(lines[3]!, /groups\.2\.ids: .*bad\.txt: "one" is listed twice/);
    assert.match(lines[4]!, /groups\.3\.ids: give either ids \(a file\) or idPattern, not both/);
    assert.match(lines[5]!, /groups\.3\.idPattern: gives the same device ids as group "b"/);
    assert.match(lines[6]!, /^x\.yaml:6:5 groups\.4\.count: required/);
  });
});

describe('reconnect storm selection', () => {
  for (const percent of [1, 10, 33.3, 50, 100]) {
    it(`drops ${percent}% of positions, evenly, each with its own rank`, () => {
      const total = 1000;
      const dropped = Array.from({ length: total }, (_, p) => p).filter((p) => isDropped(p, percent));
      assert.equal(dropped.length, Math.floor((total * percent) / 100));
      assert.deepEqual(
        dropped.map((p) => stormRank(p, percent)),
        dropped.map((_, i) => i),
      );
    });
  }
});
