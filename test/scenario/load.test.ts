import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadScenarioFile, parseScenario } from '../../src/scenario/load.js';
import { repoPath } from '../helpers.js';

const base = `groups:
  - name: a
    count: 10
stages:
  - type: connect
    rate: 100/s
  - type: publish
    rate: 1/s
    duration: 5s
`;

function problems(text: string): string[] {
  try {
    parseScenario(text, 'x.yaml');
  } catch (error) {
    assert.equal((error as { code: string }).code, 'ERR_CONFIG');
    assert.equal((error as { exitCode: number }).exitCode, 2);
    return (error as Error).message.split('\n');
  }
  assert.fail('expected a ConfigError');
}

describe('scenario loading', () => {
  it('applies defaults and builds the plan', () => {
    const { plan } = parseScenario(base, 'dir/x.yaml');
    assert.equal(plan.scenarioName, 'x');
    assert.deepEqual(plan.broker, { kind: 'embedded' });
    const group = plan.groups[0]!;
    assert.equal(group.alg, 'ES256');
    assert.equal(group.token.lifetimeSec, 1200);
    assert.equal(group.token.audienceTemplate, 'https://akenza.io/devices/{deviceId}');
    assert.equal(group.topicTemplate, '/up/device/id/{deviceId}');
    assert.deepEqual(group.keys, { mode: 'per-device', storePath: 'keys/x/a-ES256.json' });
    assert.deepEqual(plan.stages[1], {
      type: 'publish',
      groups: ['a'],
      ratePerDevicePerSec: 1,
      countPerDevice: 5,
      qos: 1,
      retain: false,
      order: 'grouped',
      properties: null,
    });
  });

  it('names file, line, column, field, expectation and what it got', () => {
    const lines = problems(base.replace('count: 10', 'count: -5'));
    assert.deepEqual(lines, ['x.yaml:3:12 groups.0.count: Too small: expected number to be >=1 (got -5)']);
  });

  it('reports every problem at once', () => {
    const lines = problems(base.replace('count: 10', 'count: ten').replace('rate: 100/s', 'rate: fast'));
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^x\.yaml:3:12 groups\.0\.count: .*expected number.*\(got "ten"\)$/);
    assert.match(lines[1]!, /^x\.yaml:6:11 stages\.0\.rate: expected a rate like 500\/s or 30\/min \(got "fast"\)$/);
  });

  it('calls unknown keys errors, with a did-you-mean', () => {
    const lines = problems(base.replace('count: 10', 'count: 10\n    cuont: 3').replace('    duration: 5s', '    duraton: 5s'));
    assert.deepEqual(lines, [
      'x.yaml:4:5 groups.0.cuont: unknown field, did you mean "count"?',
      'x.yaml:10:5 stages.1.duraton: unknown field, did you mean "duration"?',
    ]);
  });

  it('checks cross-field rules', () => {
    const lines = problems(`groups:\n  - name: a\n    count: 1\nstages:\n  - type: publish\n    rate: 1/s\n    duration: 500ms\n`);
    assert.ok(
      lines.some((l) => /stages\.0: publish stage needs group "a" connected/.test(l)),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => /stages\.0\.duration: 500ms is shorter than one interval/.test(l)),
      lines.join('\n'),
    );
  });

  it('refuses a stage naming a group that does not exist', () => {
    const lines = problems(base.replace('rate: 100/s', 'rate: 100/s\n    groups: [b]'));
    assert.match(lines[0]!, /^x\.yaml:\d+:\d+ stages\.0\.groups\.0: no group named "b"/);
  });

  it('gives clear errors for YAML that does not parse, an empty file, and a directory', async () => {
    assert.match(problems('groups: [\n')[0]!, /^x\.yaml:\d+:\d+ not valid YAML/);
    assert.deepEqual(problems(''), ['x.yaml: is empty, expected a scenario with groups and stages']);
    await assert.rejects(loadScenarioFile(repoPath('scenarios')), { code: 'ERR_CONFIG', message: /is a directory/ });
    await assert.rejects(loadScenarioFile('no/such.yaml'), { code: 'ERR_CONFIG', message: /^no\/such\.yaml: cannot read scenario: ENOENT/ });
  });

  for (const file of readdirSync(repoPath('scenarios')).filter((f) => /\.(ya?ml|json)$/.test(f) && f !== 'schema.json')) {
    it(`scenarios/${file} is valid`, async () => {
      const { plan } = await loadScenarioFile(repoPath(`scenarios/${file}`));
      assert.ok(plan.groups.length > 0);
    });
  }
});

describe('scenarios/schema.json', () => {
  it('is the schema generated from the validator (run `npm run schema` after changing the format)', async () => {
    const { readFile } = await import('node:fs/promises');
    const { scenarioJsonSchemaText } = await import('../../src/scenario/json-schema.js');
    assert.equal(await readFile(repoPath('scenarios/schema.json'), 'utf8'), scenarioJsonSchemaText());
  });
});
