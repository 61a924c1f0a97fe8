/** `mqtt-jwt-bench merge reports/<run-id>/*-shard-*.json`: one RunResult from the shards of a run. */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { ConfigError } from '../../errors.js';
import { formatSummary } from '../../report/render/console.js';
import { mergeResults } from '../../report/merge/merge.js';
import { readRunResult } from '../../report/model/read.js';
import type { RunResult } from '../../report/model/run-result.js';
import { mergedFileName, writeHtmlBeside, writeTextFile } from '../../report/model/write.js';
import { handle } from '../errors.js';
import { htmlTarget, type HtmlFlag } from '../html-flag.js';
import { runExitCode } from '../../report/judge/exit-code.js';

export interface MergeCommandArgs {
  files: string[];
  output?: string;
  html: HtmlFlag;
  quiet: boolean;
  force: boolean;
  verbose?: boolean;
}

export const mergeCommandModule: CommandModule<object, MergeCommandArgs> = {
  command: 'merge <files..>',
  describe: 'Merge the shard reports of one run into one report, and judge the whole',
  builder: (y: Argv) =>
    y
      .positional('files', {
        type: 'string',
        array: true,
        demandOption: true,
        default: undefined,
        describe: 'The shard reports of one run (reports/<run-id>/*-shard-*.json)',
      })
      .option('output', {
        alias: 'o',
        type: 'string',
        describe:
          'Where the merged JSON report is written (default: <run-id>-merged.json beside the shards, as `run --processes` names it); never over a report of another run',
      })
      .option('force', {
        type: 'boolean',
        default: false,
        describe: 'Replace an earlier merge of this run even when it was made from more shards than this one',
      })
      .option('html', {
        type: 'string',
        describe: 'Write the HTML report: beside the merged JSON (the default, or --html with no FILE), or to FILE; --no-html: none',
      })
      .option('quiet', { type: 'boolean', default: false, describe: 'No summary on stdout' }),
  handler: handle(mergeCommand),
};

/** Exit codes as `run`'s (README "Exit codes"), judged once on the merged whole: 4 if a shard failed, 5 if the run did not happen, 6 if any shard's generator was saturated or a stage ran behind plan, 99 if a threshold is crossed. */
export async function mergeCommand(args: MergeCommandArgs): Promise<number> {
  const inputs = await Promise.all(args.files.map(async (file) => ({ file, result: await readRunResult(file) })));
  const merged = mergeResults(inputs);
  const output = args.output ?? defaultOutput(merged, args.files[0] ?? '.');
  const replaced = await checkOverwrite(output, merged, args.force);
  await writeTextFile(output, `${JSON.stringify(merged, null, 2)}\n`);
  const written = [output];
  const html = htmlTarget(args.html, true);
  if (html !== undefined) written.push(await writeHtmlBeside(merged, output, html === 'beside' ? undefined : html));
  if (!args.quiet) process.stdout.write(`${formatSummary(merged)}\n\n`);
  process.stdout.write(`merged ${inputs.length} reports${replaced ? ' (replacing the earlier merge of this run)' : ''}: ${written.join(', ')}\n`);
  return runExitCode(merged, false);
}

function defaultOutput(merged: RunResult, firstFile: string): string {
  if (merged.runId === undefined) throw new ConfigError('merge: these reports carry no run id (written by an older version): name the output with -o');
  return join(dirname(firstFile), mergedFileName(merged.runId));
}

/**
 * A merged report is never silently replaced by another run's, nor by a merge of fewer of the same
 * run's shards (issue 24: a good 2-of-2 merge was replaced by a 1-of-2 one) unless `--force`. An
 * existing file of the same run made from as many shards or fewer is replaced (a merge again,
 * say after a late shard arrived); anything else is refused.
 */
async function checkOverwrite(output: string, merged: RunResult, force: boolean): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(output, 'utf8');
  } catch {
    return false;
  }
  let runId: unknown;
  let shardsBefore = 0;
  try {
    const earlier = JSON.parse(text) as { runId?: unknown; shards?: { present?: unknown } };
    runId = earlier.runId;
    shardsBefore = Array.isArray(earlier.shards?.present) ? earlier.shards.present.length : 0;
  } catch {
    runId = undefined;
  }
  const shardsNow = merged.shards?.present.length ?? 0;
  if (runId !== undefined && runId === merged.runId && shardsBefore > shardsNow && !force) {
    throw new ConfigError(
      `merge: ${output} already holds run ${merged.runId} merged from ${shardsBefore} shards; this merge has ${shardsNow}, so it was not replaced`,
      { hint: 'Pass every shard report of the run, or --force to replace it anyway.' },
    );
  }
  if (runId !== undefined && runId === merged.runId) return true;
  throw new ConfigError(`merge: ${output} already exists and holds ${typeof runId === 'string' ? `run ${runId}` : 'another file'}; not overwritten`, {
    hint: 'Name another output with -o, or remove that file first.',
  });
}
