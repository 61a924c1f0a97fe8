import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseScenario } from '../../src/scenario/load.js';
import { tlsWarnings } from '../../src/scenario/tls-plan.js';
import { configProblems } from '../support/config-problems.js';

const scenario = (top: string, stages = '  - type: connect\n') => `${top}groups:\n  - name: a\n    count: 2\nstages:\n${stages}`;

const problems = configProblems;

describe('scenario tls and subscribe', () => {
  it('applies TLS defaults: verification on, TLS 1.2 at least', () => {
    const { plan } = parseScenario(scenario('broker: mqtts://broker.example.com:8883\ntls:\n  ca: ca.pem\n'), 'x.yaml');
    assert.deepEqual(plan.tls, { caFile: 'ca.pem', certFile: null, keyFile: null, servername: null, minVersion: 'TLSv1.2', rejectUnauthorized: true });
    assert.deepEqual(tlsWarnings(plan.tls), []);
    assert.equal(parseScenario(scenario('broker: mqtt://127.0.0.1:1883\n'), 'x.yaml').plan.tls, null);
  });

  it('warns when verification is turned off by name', () => {
    const { plan } = parseScenario(scenario('broker: wss://127.0.0.1:8884/mqtt\ntls:\n  rejectUnauthorized: false\n'), 'x.yaml');
    assert.match(tlsWarnings(plan.tls).join('\n'), /tls\.rejectUnauthorized is false: the broker's certificate is NOT verified/);
  });

  it('refuses TLS settings for a broker without TLS, and half a client certificate', () => {
    assert.deepEqual(problems(scenario('broker: mqtt://127.0.0.1:1883\ntls:\n  cert: c.pem\n')), [
      'x.yaml:3:3 tls.key: mutual TLS needs both cert and key',
      'x.yaml:3:3 tls: applies to mqtts:// and wss:// brokers, but broker is mqtt://127.0.0.1:1883',
    ]);
    assert.match(problems(scenario('tls:\n  ca: ca.pem\n'))[0]!, /tls: applies to mqtts:\/\/ and wss:\/\/ brokers; the embedded broker listens without TLS/);
    assert.match(problems(scenario('broker: mqtts://h:8883\ntls:\n  minVersion: TLSv1.1\n'))[0]!, /tls\.minVersion: .*TLSv1\.2.*TLSv1\.3/);
  });

  it('plans a subscribe stage with its defaults, and refuses a malformed filter', () => {
    const { plan } = parseScenario(scenario('', '  - type: connect\n  - type: subscribe\n'), 'x.yaml');
    assert.deepEqual(plan.stages[1], {
      type: 'subscribe',
      groups: ['a'],
      topicTemplate: '/down/device/id/{deviceId}',
      qos: 1,
      measure: 'downlink',
      timestampField: 'ts',
    });
    const lines = problems(scenario('', '  - type: connect\n  - type: subscribe\n    topic: /up/#/x\n    measure: sideways\n'));
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0]!, /stages\.1\.measure/);
    assert.match(
      problems(scenario('', '  - type: connect\n  - type: subscribe\n    topic: /up/#/x\n'))[0]!,
      /stages\.1\.topic: "#" must be the whole last level/,
    );
    assert.match(problems(scenario('', '  - type: subscribe\n'))[0]!, /subscribe stage needs group "a" connected/);
  });
});
