/** The lines of the ConfigError a scenario text gets (and a failure if it gets none). */
import assert from 'node:assert/strict';
import { parseScenario } from '../../src/scenario/load.js';

export function configProblems(text: string, file = 'x.yaml'): string[] {
  try {
    parseScenario(text, file);
  } catch (error) {
    assert.equal((error as { code: string }).code, 'ERR_CONFIG');
    return (error as Error).message.split('\n');
  }
  assert.fail('expected a ConfigError');
}
