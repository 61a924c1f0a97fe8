/**
 * Devices spread over broker URLs and source addresses, seen from the broker's side: mosquitto
 * logs each connection with the address it came from. MQTT.js does not pass localAddress on by
 * itself, so this proves the stream builders (TCP and TLS) do.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { run, scenarioFromObject } from '../../src/index.js';
import { MosquittoBroker } from './broker.js';
import { brokerOptions, brokerUrl, connectScenario, scenarioTls } from './scenario.js';
import { mosquittoSuite } from './suite.js';
import { skipWithoutMosquitto } from './tools.js';

const skip = skipWithoutMosquitto();

/** Source addresses of the connections mosquitto logged, by address. */
function sources(log: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const match of log.matchAll(/New client connected from ([\d.]+):\d+ as /g)) counts[match[1] as string] = (counts[match[1] as string] ?? 0) + 1;
  return counts;
}

describe('devices spread over broker URLs and source addresses', () => {
  const suite = mosquittoSuite('spread', skip);
  const { dir } = suite;

  for (const engine of ['mqttjs', 'lean'] as const) {
    it(`two mosquittos, two source addresses: each broker sees half the devices, from both addresses (${engine})`, { skip }, async () => {
      const options = { ...brokerOptions('tcp', dir, suite.pki, true), connectionMessages: true };
      const brokers = [await MosquittoBroker.start(suite.tools.mosquitto, options), await MosquittoBroker.start(suite.tools.mosquitto, options)];
      try {
        const scenario = {
          ...connectScenario({ name: 'spread', url: '', tls: undefined, version: 4, devices: 8, keyDir: join(dir, 'keys') }),
          mqtt: { engine },
          broker: brokers.map((b) => brokerUrl('tcp', b.port)),
          localAddress: '127.0.0.2-127.0.0.3',
        };
        const result = await run(scenarioFromObject(scenario, 'spread'));
        assert.equal(result.total.counters['connected'], 8, JSON.stringify(result.total));
        // Device k goes to URL k mod 2 and address ⌊k/2⌋ mod 2: every pair carries two devices.
        for (const broker of brokers) assert.deepEqual(sources(broker.log), { '127.0.0.2': 2, '127.0.0.3': 2 }, broker.log);
        assert.equal(result.broker.url, brokers.map((b) => brokerUrl('tcp', b.port)).join(','));
      } finally {
        for (const broker of brokers) await broker.stop();
      }
    });

    it(`over TLS, with verification on, from the source address asked for (${engine})`, { skip }, async () => {
      const broker = await MosquittoBroker.start(suite.tools.mosquitto, { ...brokerOptions('tls', dir, suite.pki, true), connectionMessages: true });
      try {
        const scenario = {
          ...connectScenario({
            name: 'spread-tls',
            url: brokerUrl('tls', broker.port),
            tls: scenarioTls('tls', suite.pki),
            version: 4,
            devices: 3,
            keyDir: join(dir, 'keys'),
          }),
          mqtt: { engine },
          localAddress: ['127.0.0.4'],
        };
        const result = await run(scenarioFromObject(scenario, 'spread-tls'));
        assert.equal(result.total.counters['connected'], 3, JSON.stringify(result.total));
        assert.deepEqual(sources(broker.log), { '127.0.0.4': 3 }, broker.log);
      } finally {
        await broker.stop();
      }
    });
  }
});
