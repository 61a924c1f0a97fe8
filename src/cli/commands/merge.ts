/** `mqtt-jwt-bench merge shard-*.json -o all.json`: one RunResult from the shards of a run. */
import type { Argv, CommandModule } from 'yargs';
import { formatSummary } from '../../report/console.js';
import { mergeResults } from '../../report/merge.js';
import { readRunResult } from '../../report/read.js';
import { writeHtmlBeside, writeTextFile } from '../../report/write.js';
import { runExitCode } from '../exit-code.js';
import { handle } from '../errors.js';

export interface MergeCommandArgs {
  files: string[];
  output: string;
  html: boolean;
  quiet: boolean;
  verbose?: boolean;
}

export const mergeCommandModule: CommandModule<object, MergeCommandArgs> = {
  command: 'merge <files..>',
  describe: 'Merge the reports of one scenario (shards of a run) into one report',
  builder: (y: Argv) =>
    y
      .positional('files', { type: 'string', array: true, demandOption: true, describe: 'RunResult JSON files of one scenario' })
      .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'Where the merged JSON report is written' })
      .option('html', { type: 'boolean', default: true, describe: 'Also write the HTML report beside it (--no-html: do not)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No summary on stdout' }),
  handler: handle(mergeCommand),
};

/** 4 if any shard failed, 6 if any shard's generator was saturated or a stage ran behind plan, 99 if a threshold is crossed on the whole. */
export async function mergeCommand(args: MergeCommandArgs): Promise<number> {
  const inputs = await Promise.all(args.files.map(async (file) => ({ file, result: await readRunResult(file) })));
  const merged = mergeResults(inputs);
  await writeTextFile(args.output, `${JSON.stringify(merged, null, 2)}\n`);
  const written = [args.output];
  if (args.html) written.push(await writeHtmlBeside(merged, args.output));
  if (!args.quiet) process.stdout.write(`${formatSummary(merged)}\n\n`);
  process.stdout.write(`merged ${inputs.length} reports: ${written.join(', ')}\n`);
  return runExitCode(merged, false);
}
