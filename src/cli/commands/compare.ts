/** `mqtt-jwt-bench compare a.json b.json …` (or `compare run.json --groups`): side by side. */
import { basename } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { ConfigError, EXIT_OK } from '../../errors.js';
import { compareColumns, type CompareColumn } from '../../report/compare.js';
import { groupColumns } from '../../report/group-columns.js';
import { formatComparison } from '../../report/compare-console.js';
import { renderCompareHtml } from '../../report/compare-html.js';
import { readRunResult } from '../../report/read.js';
import { writeTextFile } from '../../report/write.js';
import type { ArgsOf, FlagsOf } from '../command-args.js';
import { handle } from '../errors.js';
import { itemAt } from '../../util/item-at.js';

const builder = (y: Argv) =>
  y
    .positional('files', { type: 'string', array: true, demandOption: true, describe: 'RunResult JSON files' })
    .option('groups', { type: 'boolean', default: false, describe: "Compare the groups of one report (such as RSA against EC)" })
    .option('html', { type: 'string', describe: 'Also write the comparison as an HTML page to FILE' });

export type CompareCommandArgs = ArgsOf<typeof builder>;

export const compareCommandModule: CommandModule<object, FlagsOf<typeof builder>> = {
  command: 'compare <files..>',
  describe: 'Compare reports metric by metric (the first is the baseline), or the groups of one report',
  builder,
  handler: handle(compareCommand),
};

export async function compareCommand(args: CompareCommandArgs): Promise<number> {
  const columns = await columnsOf(args);
  const comparison = compareColumns(columns);
  process.stdout.write(`${formatComparison(comparison)}\n`);
  if (args.html !== undefined) {
    const title = args.groups ? `groups of ${basename(itemAt(args.files, 0))}` : `${comparison.labels.join(' vs ')}`;
    await writeTextFile(args.html, renderCompareHtml(title, comparison, columns));
    process.stdout.write(`\nwrote ${args.html}\n`);
  }
  return EXIT_OK;
}

async function columnsOf(args: CompareCommandArgs): Promise<CompareColumn[]> {
  if (args.groups) {
    if (args.files.length !== 1) throw new ConfigError(`compare --groups takes one report (got ${args.files.length})`);
    const result = await readRunResult(itemAt(args.files, 0));
    const groups = Object.entries(result.groups);
    if (groups.length < 2) throw new ConfigError(`${args.files[0]}: has one group (${groups[0]?.[0] ?? 'none'}); --groups needs two or more`);
    return groupColumns(result);
  }
  if (args.files.length < 2) throw new ConfigError('compare needs two or more reports (or one with --groups)');
  const results = await Promise.all(args.files.map(readRunResult));
  const labels = uniqueLabels(args.files);
  return results.map((result, i) => ({ label: itemAt(labels, i), section: result.total, durationMs: result.durationMs }));
}

/** File names without .json; the full path where two names are the same. */
function uniqueLabels(files: readonly string[]): string[] {
  const short = files.map((f) => basename(f).replace(/\.json$/, ''));
  return short.map((s, i) => (short.indexOf(s) === short.lastIndexOf(s) ? s : itemAt(files, i)));
}
