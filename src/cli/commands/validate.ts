/** `mqtt-jwt-bench validate <scenario>`: check a file without connecting, and say what it will do. */
import type { Argv, CommandModule } from 'yargs';
import { readMachineFacts } from '../../coordinator/machine-facts.js';
import { planFit } from '../../coordinator/plan-fit.js';
import { shardFrom } from '../shard-args.js';
import { ConfigError, EXIT_OK } from '../../errors.js';
import { describePlan } from '../../scenario/describe.js';
import { planWarnings } from '../../scenario/plan-warnings.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { handle } from '../errors.js';
import { assertThresholdsJudgeable } from '../../report/judge/threshold-check.js';
import { overridesOf, withScenarioFlags, type ScenarioFlags } from '../scenario-options.js';
import { resolveScenarioPath } from '../scenario-path.js';

interface ValidateArgs extends ScenarioFlags {
  scenario: string;
  verbose?: boolean;
  processes?: number;
  shard?: string;
}

async function validate(args: ValidateArgs): Promise<number> {
  const { plan } = await loadScenarioFile(resolveScenarioPath(args.scenario), { sets: overridesOf(args) });
  assertThresholdsJudgeable(plan, [], args.scenario);
  process.stdout.write(`${args.scenario}: valid\n${describePlan(plan).lines.join('\n')}\n`);
  for (const warning of planWarnings(plan)) process.stdout.write(`warning: ${warning}\n`);
  if (args.processes !== undefined && (!Number.isInteger(args.processes) || args.processes < 1 || args.processes > 64))
    throw new ConfigError(`--processes: expected a whole number from 1 to 64 (got ${args.processes})`);
  const shard = shardFrom(args.shard, {});
  const fit = planFit(plan, { processes: args.processes ?? 1, ...(shard === undefined ? {} : { shard }) }, await readMachineFacts());
  for (const note of fit.notes) process.stdout.write(`this machine: ${note}\n`);
  if (fit.problems.length > 0)
    throw new ConfigError(`preflight: ${fit.problems.join('\npreflight: ')}`, { hint: 'docs/scaling.md explains the limits and how to size a run.' });
  return EXIT_OK;
}

export const validateCommandModule: CommandModule = {
  command: 'validate <scenario>',
  describe: 'Check a scenario without connecting, and print the plan in words with estimates',
  builder: (y: Argv) =>
    withScenarioFlags(y.positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario file (YAML or JSON)' }))
      .option('processes', { type: 'number', describe: 'Check the plan as run --processes N would run it (descriptors per process, ports for the machine)' })
      .option('shard', { type: 'string', describe: 'Check only slice i of N (0-based), as run --shard i/N would run it on a machine of its own' }),
  handler: handle(validate as (args: unknown) => Promise<number>),
};
