import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseScenario } from '../../src/scenario/load.js';
import { configProblems as problems } from '../support/config-problems.js';

const stages = `stages:
  - type: connect
`;

describe('how devices present and refresh their tokens (mqtt.auth, token.refresh)', () => {
  it('plans the password and reconnects by default, and a method with re-authentication on MQTT 5', () => {
    const plain = parseScenario(`groups:\n  - { name: a, count: 1 }\n${stages}`, 'x.yaml').plan;
    assert.deepEqual(plain.mqtt.auth, { way: 'password' });
    assert.equal(plain.groups[0]?.token.refresh, 'reconnect');
    const { plan } = parseScenario(
      `mqtt: { protocolVersion: 5, auth: method, authMethod: OAUTH2-JWT }
groups:
  - { name: a, count: 1, token: { refresh: reauth } }
  - { name: b, count: 1, idPattern: "b-{index}" }
${stages}`,
      'x.yaml',
    );
    assert.deepEqual(plan.mqtt.auth, { way: 'method', method: 'OAUTH2-JWT' });
    assert.deepEqual(
      plan.groups.map((g) => g.token.refresh),
      ['reauth', 'reconnect'],
    );
  });

  it('refuses a method or a re-authentication on MQTT 3.1.1, each with its place, before anything connects', () => {
    assert.deepEqual(problems(`mqtt: { auth: method }\ngroups:\n  - { name: a, count: 1, token: { refresh: reauth } }\n${stages}`), [
      'x.yaml:1:15 mqtt.auth: method sends the token as MQTT 5 Authentication Data (§3.1.2.11.9); set mqtt.protocolVersion: 5, or auth: password for MQTT 3.1.1',
      'x.yaml:3:44 groups.0.token.refresh: reauth is MQTT 5 re-authentication (AUTH 0x19, §4.12.1); set mqtt.protocolVersion: 5, or refresh: reconnect for MQTT 3.1.1',
    ]);
  });

  it('refuses a re-authentication without a method to continue', () => {
    assert.deepEqual(problems(`mqtt: { protocolVersion: 5 }\ngroups:\n  - { name: a, count: 1, token: { refresh: reauth } }\n${stages}`), [
      'x.yaml:3:44 groups.0.token.refresh: reauth continues the Authentication Method of the CONNECT (§4.12.1), so it needs mqtt.auth: method (a password login cannot re-authenticate)',
    ]);
  });

  it('refuses a method name that is empty or longer than MQTT can carry', () => {
    const long = 'x'.repeat(65_536);
    for (const [name, bytes] of [
      ["''", 0],
      [long, 65_536],
    ] as const) {
      const lines = problems(`mqtt: { protocolVersion: 5, auth: method, authMethod: ${name} }\ngroups:\n  - { name: a, count: 1 }\n${stages}`);
      assert.equal(lines.length, 1);
      assert.match(
        lines[0] ?? '',
        new RegExp(`^x\\.yaml:1:\\d+ mqtt\\.authMethod: expected an Authentication Method name of 1 to 65535 bytes of UTF-8 \\(got ${bytes}\\)$`),
      );
    }
  });

  it('refuses an unknown way, naming the choices', () => {
    const lines = problems(`mqtt: { auth: token }\ngroups:\n  - { name: a, count: 1, token: { refresh: rotate } }\n${stages}`);
    assert.equal(lines.length, 2);
    assert.match(lines[0] ?? '', /mqtt\.auth: .*password.*method/);
    assert.match(lines[1] ?? '', /groups\.0\.token\.refresh: .*reconnect.*reauth/);
  });
});
