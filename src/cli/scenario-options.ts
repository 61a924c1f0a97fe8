/** The flags every command that reads a scenario shares: `--set path=value` and `--broker URL`. */
import type { Argv } from 'yargs';

export interface ScenarioFlags {
  set?: string[];
  broker?: string;
  localAddress?: string;
  expect?: string;
  minSentPercent?: number;
  stopEarly?: boolean;
}

export function withScenarioFlags<T>(y: Argv<T>) {
  return y
    .option('set', { type: 'string', array: true, describe: 'Override a scenario field: --set groups.0.count=5000 (repeatable)' })
    .option('broker', {
      type: 'string',
      describe: 'Override the broker: embedded or mqtt[s]://host:port, ws[s]://host:port/path; a comma list spreads devices over several',
    })
    .option('local-address', { type: 'string', describe: 'Spread devices over source addresses: 127.0.0.2,127.0.0.3 or a range 127.0.0.2-127.0.0.9' })
    .option('expect', {
      type: 'string',
      describe: 'refusals: the broker is expected to refuse the devices (a refusal test): a run where none connected is not a failure (scenario field expect)',
    })
    .option('stop-early', {
      type: 'boolean',
      describe:
        'Stop a run that cannot measure anything (every connect refused, or none connected at a publish stage): failed, exit 5 (default on; --no-stop-early: run every stage; scenario field stopEarly)',
    })
    .option('min-sent-percent', {
      type: 'number',
      describe: 'A run that sends under this share of its planned messages failed, exit 5 (default 95; 0: no minimum; scenario field minSentPercent)',
    });
}

/** The overrides in the order they apply: --set first, then --broker and --local-address. */
export function overridesOf(flags: ScenarioFlags): string[] {
  return [
    ...(flags.set ?? []),
    ...(flags.broker === undefined ? [] : [`broker=${flags.broker}`]),
    ...(flags.localAddress === undefined ? [] : [`localAddress=${flags.localAddress}`]),
    ...(flags.expect === undefined ? [] : [`expect=${flags.expect}`]),
    ...(flags.minSentPercent === undefined ? [] : [`minSentPercent=${flags.minSentPercent}`]),
    ...(flags.stopEarly === undefined ? [] : [`stopEarly=${String(flags.stopEarly)}`]),
  ];
}
