/** `mqtt-jwt-bench compare a.json b.json …` (or `compare run.json --groups`): a verdict, then the figures side by side. */
import { basename } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { ConfigError, EXIT_OK } from '../../errors.js';
import { compareColumns, DEFAULT_NOISE, groupComparisonColumns, runColumn } from '../../report/compare/compare.js';
import type { CompareColumn } from '../../report/render/group-columns.js';
import { formatComparison } from '../../report/compare/compare-console.js';
import { renderCompareHtml } from '../../report/compare/compare-html.js';
import { labelsFromPlans, planDifferences, planDifferencesLine } from '../../report/compare/plan-differences.js';
import { readRunResult } from '../../report/model/read.js';
import { writeTextFile } from '../../report/model/write.js';
import { paintOf } from '../colour.js';
import { handle } from '../errors.js';
import { itemAt } from '../../util/item-at.js';

export interface CompareCommandArgs {
  files: string[];
  groups: boolean;
  html?: string;
  noise: number;
  all: boolean;
  label?: string[];
  verbose?: boolean;
}

export const compareCommandModule: CommandModule<object, CompareCommandArgs> = {
  command: 'compare <files..>',
  describe: 'Compare reports (the first is the baseline), or the groups of one report: a verdict, then the figures',
  builder: (y: Argv) =>
    y
      .positional('files', { type: 'string', array: true, demandOption: true, default: undefined, describe: 'RunResult JSON files (at least one)' })
      .option('groups', { type: 'boolean', default: false, describe: 'Compare the groups of one report (such as RSA against EC)' })
      .option('noise', {
        type: 'number',
        default: DEFAULT_NOISE * 100,
        describe: 'Changes within ±this percent are noise (shown grey, left out of the verdict)',
      })
      .option('all', { type: 'boolean', default: false, describe: 'Show every row: means, counts, p90 and max too' })
      .option('label', {
        type: 'string',
        array: true,
        describe: 'Name the columns, one --label per report in order (default: the scenario name and the field their plans differ in)',
      })
      .option('html', { type: 'string', describe: 'Also write the comparison as an HTML page to FILE' }),
  handler: handle(compareCommand),
};

export async function compareCommand(args: CompareCommandArgs): Promise<number> {
  if (!Number.isFinite(args.noise) || args.noise < 0 || args.noise >= 100)
    throw new ConfigError(`--noise: expected a percentage from 0 to 99 (got ${args.noise})`);
  const { columns, differences } = await columnsOf(args);
  const comparison = compareColumns(columns, { noise: args.noise / 100 });
  // What differs between the plans comes first: the figures only mean something against it.
  if (differences !== undefined) process.stdout.write(`${differences}\n\n`);
  process.stdout.write(`${formatComparison(comparison, { all: args.all, groups: args.groups, paint: paintOf(process.stdout) })}\n`);
  if (args.html !== undefined) {
    const title = args.groups ? `groups of ${basename(itemAt(args.files, 0))}` : comparison.labels.join(' vs ');
    await writeTextFile(args.html, renderCompareHtml(title, comparison, columns, { groups: args.groups }));
    process.stdout.write(`\nwrote ${args.html}\n`);
  }
  return EXIT_OK;
}

async function columnsOf(args: CompareCommandArgs): Promise<{ columns: CompareColumn[]; differences?: string }> {
  if (args.groups) {
    if (args.files.length !== 1) throw new ConfigError(`compare --groups takes one report (got ${args.files.length})`);
    const result = await readRunResult(itemAt(args.files, 0));
    const groups = Object.entries(result.groups);
    if (groups.length < 2) throw new ConfigError(`${itemAt(args.files, 0)}: has one group (${groups[0]?.[0] ?? 'none'}); --groups needs two or more`);
    return { columns: groupComparisonColumns(result) };
  }
  if (args.files.length < 2) throw new ConfigError('compare needs two or more reports (or one with --groups)');
  const results = await Promise.all(args.files.map(readRunResult));
  if (args.label !== undefined && args.label.length !== args.files.length)
    throw new ConfigError(`--label: give one per report (${args.files.length}), in order (got ${args.label.length})`);
  const labels = args.label ?? labelsFromPlans(results) ?? uniqueLabels(args.files);
  return {
    columns: results.map((result, i) => runColumn(itemAt(labels, i), result)),
    differences: planDifferencesLine(planDifferences(results)),
  };
}

/** File names without .json; the full path where two names are the same. */
function uniqueLabels(files: readonly string[]): string[] {
  const short = files.map((f) => basename(f).replace(/\.json$/, ''));
  return short.map((s, i) => (short.indexOf(s) === short.lastIndexOf(s) ? s : itemAt(files, i)));
}
