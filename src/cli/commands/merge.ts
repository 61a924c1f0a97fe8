/** `mqtt-jwt-bench merge shard-*.json -o all.json`: one RunResult from the shards of a run. */
import type { Argv, CommandModule } from 'yargs';
import { formatSummary } from '../../report/console.js';
import { mergeResults } from '../../report/merge.js';
import { readRunResult } from '../../report/read.js';
import { writeHtmlBeside, writeTextFile } from '../../report/write.js';
import { EXIT_OK, EXIT_THRESHOLDS, EXIT_FAILED } from '../../errors.js';
import { anyCrossed } from '../../report/thresholds.js';
import type { ArgsOf, FlagsOf } from '../command-args.js';
import { handle } from '../errors.js';

const builder = (y: Argv) =>
  y
    .positional('files', { type: 'string', array: true, demandOption: true, describe: 'RunResult JSON files of one scenario' })
    .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'Where the merged JSON report is written' })
    .option('html', { type: 'boolean', default: true, describe: 'Also write the HTML report beside it (--no-html: do not)' })
    .option('quiet', { type: 'boolean', default: false, describe: 'No summary on stdout' });

export type MergeCommandArgs = ArgsOf<typeof builder>;

export const mergeCommandModule: CommandModule<object, FlagsOf<typeof builder>> = {
  command: 'merge <files..>',
  describe: 'Merge the reports of one scenario (shards of a run) into one report',
  builder,
  handler: handle(mergeCommand),
};

/** 4 if any shard failed, 99 if a threshold is crossed on the whole; an interrupted shard shows in the report. */
export async function mergeCommand(args: MergeCommandArgs): Promise<number> {
  const inputs = await Promise.all(args.files.map(async (file) => ({ file, result: await readRunResult(file) })));
  const merged = mergeResults(inputs);
  await writeTextFile(args.output, `${JSON.stringify(merged, null, 2)}\n`);
  const written = [args.output];
  if (args.html) written.push(await writeHtmlBeside(merged, args.output));
  if (!args.quiet) process.stdout.write(`${formatSummary(merged)}\n\n`);
  process.stdout.write(`merged ${inputs.length} reports: ${written.join(', ')}\n`);
  if (merged.status === 'failed') return EXIT_FAILED;
  return anyCrossed(merged.thresholds) ? EXIT_THRESHOLDS : EXIT_OK;
}
