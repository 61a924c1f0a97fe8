/** The flags every command that reads a scenario shares: `--set path=value` and `--broker URL`. */
import type { Argv } from 'yargs';

export interface ScenarioFlags {
  set?: string[];
  broker?: string;
}

export function withScenarioFlags<T>(y: Argv<T>): Argv<T & ScenarioFlags> {
  return y
    .option('set', { type: 'string', array: true, describe: 'Override a scenario field: --set groups.0.count=5000 (repeatable)' })
    .option('broker', { type: 'string', describe: 'Override the broker: embedded or mqtt[s]://host:port, ws[s]://host:port/path' }) as Argv<T & ScenarioFlags>;
}

/** The overrides in the order they apply: --set first, then --broker. */
export function overridesOf(flags: ScenarioFlags): string[] {
  return [...(flags.set ?? []), ...(flags.broker === undefined ? [] : [`broker=${flags.broker}`])];
}
