import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseScenario } from '../../src/scenario/load.js';
import { expandLocalAddresses } from '../../src/scenario/local-addresses.js';

const scenario = (head: string): string => `${head}
groups: [{ name: a, count: 4 }]
stages: [{ type: connect }]
`;

function problem(text: string): string {
  try {
    parseScenario(text, 'x.yaml');
  } catch (error) {
    assert.equal((error as { code: string }).code, 'ERR_CONFIG');
    return (error as Error).message;
  }
  assert.fail('expected a ConfigError');
}

describe('source addresses', () => {
  const cases: [string[], string[] | RegExp][] = [
    [['127.0.0.2'], ['127.0.0.2']],
    [['127.0.0.2,127.0.0.3'], ['127.0.0.2', '127.0.0.3']],
    [['127.0.0.254-127.0.1.1'], ['127.0.0.254', '127.0.0.255', '127.0.1.0', '127.0.1.1']],
    [
      ['127.0.0.2-127.0.0.3', '::1'],
      ['127.0.0.2', '127.0.0.3', '::1'],
    ],
    [['127.0.0.3-127.0.0.2'], /ends before it starts/],
    [['10.0.0.0-10.1.0.0'], /holds 65537 addresses; at most 4096/],
    [['::1-::2'], /IPv4 only/],
    [['localhost'], /"localhost" is not an IP address/],
    [[' , '], /at least one address/],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected instanceof RegExp ? expected.source : expected.join(' ')}`, () => {
      const outcome = expandLocalAddresses(input);
      if (expected instanceof RegExp) {
        assert.equal(outcome.ok, false);
        assert.match((outcome as { problem: string }).problem, expected);
      } else assert.deepEqual(outcome, { ok: true, addresses: expected });
    });
  }
});

describe('broker lists and localAddress in a scenario', () => {
  it('a list of URLs, or a comma list (as --broker gives), spreads devices; localAddress ranges expand', () => {
    const list = parseScenario(scenario('broker: [mqtt://127.0.0.1:1883, mqtt://127.0.0.1:1884]\nlocalAddress: 127.0.0.2-127.0.0.4'), 'x.yaml').plan;
    assert.deepEqual(list.broker, { kind: 'url', url: 'mqtt://127.0.0.1:1883', urls: ['mqtt://127.0.0.1:1883', 'mqtt://127.0.0.1:1884'] });
    assert.deepEqual(list.localAddresses, ['127.0.0.2', '127.0.0.3', '127.0.0.4']);
    const comma = parseScenario(scenario('broker: "mqtt://127.0.0.1:1883,mqtt://127.0.0.1:1884"'), 'x.yaml').plan;
    assert.deepEqual(comma.broker, list.broker);
    assert.deepEqual(comma.localAddresses, []);
  });

  it('reconnect settings have defaults and parse their durations', () => {
    const plan = parseScenario(scenario('mqtt: { reconnect: { maxDelay: 2s } }'), 'x.yaml').plan;
    assert.deepEqual(plan.mqtt.reconnect, { enabled: true, initialDelayMs: 250, maxDelayMs: 2000, maxAttempts: 10 });
    assert.deepEqual(parseScenario(scenario(''), 'x.yaml').plan.mqtt.reconnect, { enabled: true, initialDelayMs: 250, maxDelayMs: 5000, maxAttempts: 10 });
  });

  it('says what is wrong with a bad address, a bad URL in a list, or tls on a plain URL of a list', () => {
    assert.match(problem(scenario('broker: mqtt://127.0.0.1:1883\nlocalAddress: 127.0.0.9-127.0.0.2')), /localAddress.*ends before it starts/);
    assert.match(problem(scenario('broker: [mqtt://127.0.0.1:1883, http://x]')), /broker/);
    assert.match(
      problem(scenario('broker: [mqtts://127.0.0.1:8883, mqtt://127.0.0.1:1883]\ntls: { rejectUnauthorized: true }')),
      /tls.*mqtt:\/\/127\.0\.0\.1:1883/,
    );
  });
});
