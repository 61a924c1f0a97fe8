/** `mqtt-jwt-bench schema`: the scenario format's JSON Schema on stdout. */
import type { CommandModule } from 'yargs';
import { scenarioJsonSchemaText } from '../../scenario/json-schema.js';

export const schemaCommandModule: CommandModule = {
  command: 'schema',
  describe: 'Print the JSON Schema of the scenario format (scenarios/schema.json)',
  handler: () => {
    process.stdout.write(scenarioJsonSchemaText());
  },
};
