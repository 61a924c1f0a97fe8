/** `mqtt-jwt-bench validate <scenario>`: check a file without connecting, and say what it will do. */
import type { Argv, CommandModule } from 'yargs';
import { readMachineFacts } from '../../coordinator/machine-facts.js';
import { preflight } from '../../coordinator/preflight.js';
import { ConfigError, EXIT_OK } from '../../errors.js';
import { describePlan } from '../../scenario/describe.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { handle } from '../errors.js';
import { assertThresholdsJudgeable } from '../../report/threshold-check.js';
import type { ArgsOf, FlagsOf } from '../command-args.js';
import { overridesOf, withScenarioFlags } from '../scenario-options.js';
import { totalDevices } from '../../scenario/plan.js';

const builder = (y: Argv) => withScenarioFlags(y.positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario file (YAML or JSON)' }));

type ValidateArgs = ArgsOf<typeof builder>;

async function validate(args: ValidateArgs): Promise<number> {
  const { plan } = await loadScenarioFile(args.scenario, { sets: overridesOf(args) });
  assertThresholdsJudgeable(plan, [], args.scenario);
  process.stdout.write(`${args.scenario}: valid\n${describePlan(plan).lines.join('\n')}\n`);
  const fit = preflight({ connections: totalDevices(plan), embeddedBroker: plan.broker.kind === 'embedded', addressPairs: 1, facts: await readMachineFacts() });
  for (const note of fit.notes) process.stdout.write(`this machine: ${note}\n`);
  if (fit.problems.length > 0) throw new ConfigError(`preflight: ${fit.problems.join('\npreflight: ')}`, { hint: 'docs/scaling.md explains the limits and how to size a run.' });
  return EXIT_OK;
}

export const validateCommandModule: CommandModule<object, FlagsOf<typeof builder>> = {
  command: 'validate <scenario>',
  describe: 'Check a scenario without connecting, and print the plan in words with estimates',
  builder,
  handler: handle(validate),
};
