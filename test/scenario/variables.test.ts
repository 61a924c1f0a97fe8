import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseScenario } from '../../src/scenario/load.js';
import { applyOverrides } from '../../src/scenario/overrides.js';
import { describePlan } from '../../src/scenario/describe.js';

const text = `name: \${NAME:-vars}
broker: \${BROKER_URL:-embedded}
groups:
  - name: a
    count: 3
    token: { audience: "\${AUD}/{deviceId}" }
    payload: 'literal $\${NOT_A_VAR}'
stages:
  - type: connect
    rate: 10/s
  - type: publish
    rate: 1/s
    count: 4
`;

describe('scenario variables and overrides', () => {
  it('substitutes ${NAME} and ${NAME:-default}, and keeps $${ literal', () => {
    const { plan } = parseScenario(text, 'v.yaml', { env: { AUD: 'https://example.test', BROKER_URL: 'mqtt://127.0.0.1:1999' } });
    assert.equal(plan.scenarioName, 'vars');
    assert.deepEqual(plan.broker, { kind: 'url', url: 'mqtt://127.0.0.1:1999', urls: ['mqtt://127.0.0.1:1999'] });
    assert.equal(plan.groups[0]!.token.audienceTemplate, 'https://example.test/{deviceId}');
    assert.equal(plan.groups[0]!.payloadTemplate, 'literal ${NOT_A_VAR}');
  });

  it('reports an unset variable without a default at its place', () => {
    assert.throws(() => parseScenario(text, 'v.yaml', { env: {} }), {
      code: 'ERR_CONFIG',
      message: 'v.yaml:6:24 groups.0.token.audience: ${AUD} is not set and has no default (write ${AUD:-default})',
    });
  });

  it('applies --set overrides with YAML-typed values before validation', () => {
    const { plan } = parseScenario(text, 'v.yaml', {
      env: { AUD: 'x' },
      sets: ['groups.0.count=5000', 'stages.1.qos=0', 'workers=1', 'broker=mqtt://127.0.0.1:1888'],
    });
    assert.equal(plan.groups[0]!.count, 5000);
    assert.equal(plan.stages[1]!.type === 'publish' && plan.stages[1]!.qos, 0);
    assert.equal(plan.workers, 1);
    assert.deepEqual(plan.broker, { kind: 'url', url: 'mqtt://127.0.0.1:1888', urls: ['mqtt://127.0.0.1:1888'] });
    assert.throws(() => parseScenario(text, 'v.yaml', { env: { AUD: 'x' }, sets: ['groups.0.count=many'] }), {
      message: /groups\.0\.count: .*expected number.*\(got "many"\)/,
    });
  });

  it('refuses malformed overrides', () => {
    assert.throws(() => applyOverrides({}, ['nothing']), { code: 'ERR_CONFIG', message: /--set nothing: expected path=value/ });
    assert.throws(() => applyOverrides({ groups: [] }, ['groups.3.count=1']), { message: /groups\.3 is not an index of the list \(0 to 0\)/ });
  });

  it('describes the plan in words with estimates', () => {
    const { plan } = parseScenario(text, 'v.yaml', { env: { AUD: 'x' }, sets: ['workers=2'] });
    const d = describePlan(plan);
    assert.equal(d.peakMessagesPerSec, 3);
    assert.equal(d.maxConnectionsPerWorker, 2);
    assert.equal(d.estimatedDurationMs, 300 + 4000);
    assert.match(d.lines.join('\n'), /3 devices \(a\) publish 1\/s each, 4 messages each, at QoS 1: 12 messages at 3 msg\/s/);
  });
});
