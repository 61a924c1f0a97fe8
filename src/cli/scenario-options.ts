/** The flags every command that reads a scenario shares: `--set path=value` and `--broker URL`. */
import type { Argv } from 'yargs';

export interface ScenarioFlags {
  set?: string[];
  broker?: string;
  localAddress?: string;
}

export function withScenarioFlags<T>(y: Argv<T>) {
  return y
    .option('set', { type: 'string', array: true, describe: 'Override a scenario field: --set groups.0.count=5000 (repeatable)' })
    .option('broker', { type: 'string', describe: 'Override the broker: embedded or mqtt[s]://host:port, ws[s]://host:port/path; a comma list spreads devices over several' })
    .option('local-address', { type: 'string', describe: 'Spread devices over source addresses: 127.0.0.2,127.0.0.3 or a range 127.0.0.2-127.0.0.9' });
}

/** The overrides in the order they apply: --set first, then --broker and --local-address. */
export function overridesOf(flags: ScenarioFlags): string[] {
  return [
    ...(flags.set ?? []),
    ...(flags.broker === undefined ? [] : [`broker=${flags.broker}`]),
    ...(flags.localAddress === undefined ? [] : [`localAddress=${flags.localAddress}`]),
  ];
}
