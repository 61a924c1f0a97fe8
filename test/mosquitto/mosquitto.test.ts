/**
 * The MQTT side proven against a broker we did not write: Debian's mosquitto, over TCP, TLS,
 * mutual TLS, WebSocket and secure WebSocket, on MQTT 3.1.1 and 5, at QoS 0, 1 and 2. Every run's
 * counts are checked from outside the harness: by mosquitto's own $SYS counter of PUBLISH packets
 * received, and by an independent mosquitto_sub.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { run, scenarioFromObject } from '../../src/index.js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import type { RunResult } from '../../src/report/model/run-result.js';
import { MosquittoBroker, type Transport } from './broker.js';
import { countsQos2Publishes, OutsideSubscriber, settledSysCounter, SYS_PUBLISH_RECEIVED } from './outside.js';
import { mosquittoSuite } from './suite.js';
import { skipWithoutMosquitto } from './tools.js';
import { brokerOptions, brokerUrl, scenarioTls, uplinkScenario } from './scenario.js';

const skip = skipWithoutMosquitto();
const SENSORS = 4;
const MESSAGES_PER_SENSOR = 5;
const PLANNED = SENSORS * MESSAGES_PER_SENSOR;

const histogramCount = (result: RunResult, group: string, name: string): number => {
  const h = result.groups[group]?.histograms[name];
  return h === undefined ? 0 : decodeHistogram(h.encoded).totalCount;
};

describe('against mosquitto: the report agrees with the broker, counted from outside', () => {
  const suite = mosquittoSuite('mosquitto', skip);
  const { dir } = suite;

  const transports: Transport[] = ['tcp', 'tls', 'mtls', 'ws', 'wss'];
  // MQTT.js everywhere; the lean engine (the default) on TCP throughout, on mutual TLS and on both
  // WebSockets. Both engines side by side, count for count, are test/mosquitto/behaviour-matrix.test.ts.
  const cases: { transport: Transport; version: 4 | 5; qos: 0 | 1 | 2; engine: 'mqttjs' | 'lean' }[] = [];
  for (const transport of transports)
    for (const version of [4, 5] as const) for (const qos of [0, 1, 2] as const) cases.push({ transport, version, qos, engine: 'mqttjs' });
  for (const version of [4, 5] as const) for (const qos of [0, 1, 2] as const) cases.push({ transport: 'tcp', version, qos, engine: 'lean' });
  for (const qos of [1, 2] as const) cases.push({ transport: 'mtls', version: 5, qos, engine: 'lean' });
  cases.push({ transport: 'ws', version: 4, qos: 1, engine: 'lean' }, { transport: 'wss', version: 5, qos: 2, engine: 'lean' });
  for (const { transport, version, qos, engine } of cases) {
    {
      {
        it(`${transport}, MQTT ${version === 4 ? '3.1.1' : '5'}, QoS ${qos}${engine === 'lean' ? ', lean engine' : ''}`, { skip }, async () => {
          const broker = await MosquittoBroker.start(suite.tools.mosquitto, brokerOptions(transport, dir, suite.pki, true));
          let outside: OutsideSubscriber | undefined;
          try {
            outside = await OutsideSubscriber.start(suite.tools, broker.controlPort, '/up/device/id/+', 2);
            const scenario = uplinkScenario({
              name: `mosquitto-${transport}-v${version}-q${qos}-${engine}`,
              engine,
              url: brokerUrl(transport, broker.port),
              tls: scenarioTls(transport, suite.pki),
              version,
              qos,
              sensors: SENSORS,
              messagesPerSensor: MESSAGES_PER_SENSOR,
              keyDir: join(dir, 'keys'),
            });
            const result = await run(scenarioFromObject(scenario, scenario.name));
            assert.equal(result.status, 'complete', `${result.statusReason ?? ''}\n${broker.log}`);
            const sensors = result.groups['sensors']!;
            assert.deepEqual(sensors.connectFailures, {}, broker.log);
            assert.deepEqual(sensors.errors, {});
            assert.equal(sensors.counters['connected'], SENSORS);
            assert.equal(sensors.counters['published'], PLANNED);
            assert.equal(sensors.counters['acked'], qos === 0 ? undefined : PLANNED);
            assert.equal(histogramCount(result, 'sensors', 'publishAckUs'), qos === 0 ? 0 : PLANNED);

            // What mosquitto itself counted: for QoS 1 and 2 exactly what we say was
            // acknowledged, for QoS 0 what we say was sent. Its $SYS counter misses QoS 2
            // before 2.0.15 (mosquitto#2448), so there only the outside subscriber counts.
            const reported = qos === 0 ? (sensors.counters['published'] ?? 0) : (sensors.counters['acked'] ?? 0);
            const { version: mosquittoVersion, counts } = await countsQos2Publishes(suite.tools.mosquittoSub, broker.controlPort);
            const sysExpected = qos === 2 && !counts ? 0 : reported;
            const [sysCount, outsideCount] = await Promise.all([
              settledSysCounter(suite.tools.mosquittoSub, broker.controlPort, SYS_PUBLISH_RECEIVED, sysExpected),
              outside.settledCount(reported),
            ]);
            assert.equal(sysCount, sysExpected, mosquittoVersion);
            assert.equal(outsideCount, reported);

            // Our own subscriber saw every message, and timed each one from its payload.
            const backend = result.groups['backend']!;
            assert.deepEqual(backend.errors, {});
            assert.equal(backend.counters['subscribed'], 1);
            assert.equal(backend.counters['received'], reported);
            assert.equal(histogramCount(result, 'backend', 'uplinkUs'), reported);
            assert.equal(backend.counters['receivedWithoutTimestamp'], undefined);
            // The client key and the tokens went to the workers, never into the report.
            assert.doesNotMatch(JSON.stringify(result), /PRIVATE KEY|eyJ[A-Za-z0-9_-]{10,}\./);
          } finally {
            await outside?.stop();
            await broker.stop();
          }
        });
      }
    }
  }
});
