/** `mqtt-jwt-bench schema [--of report]`: a JSON Schema on stdout (scenario format, or RunResult). */
import type { Argv, CommandModule } from 'yargs';
import { runResultJsonSchemaText } from '../../report/model/run-result-schema.js';
import { scenarioJsonSchemaText } from '../../scenario/json-schema.js';
import type { FlagsOf } from '../command-args.js';

const builder = (y: Argv) => y.option('of', { choices: ['scenario', 'report'] as const, default: 'scenario' as const, describe: 'Which format' });

export const schemaCommandModule: CommandModule<object, FlagsOf<typeof builder>> = {
  command: 'schema',
  describe: 'Print the JSON Schema of the scenario format (scenarios/schema.json) or, with --of report, of the report (docs/run-result.schema.json)',
  builder,
  handler: (args) => {
    process.stdout.write(args.of === 'report' ? runResultJsonSchemaText() : scenarioJsonSchemaText());
  },
};
