/** `mqtt-jwt-bench report <run.json>`: renders a saved RunResult again, in any format. */
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { EXIT_OK, EXIT_THRESHOLDS } from '../../errors.js';
import { formatSummary, formatThresholds } from '../../report/render/console.js';
import { renderTimelineCsv } from '../../report/render/csv.js';
import { hgrmFiles } from '../../report/render/hgrm.js';
import { renderRunHtml } from '../../report/render/html.js';
import { readRunResult } from '../../report/model/read.js';
import { anyCrossed, evaluateThresholds, viewOfResult } from '../../report/judge/thresholds.js';
import { assertThresholdsJudgeable } from '../../report/judge/threshold-check.js';
import { writeTextFile } from '../../report/model/write.js';
import type { ArgsOf, FlagsOf } from '../command-args.js';
import { handle } from '../errors.js';
import { htmlTarget } from '../html-flag.js';
import { thresholdsFromArgs } from '../threshold-args.js';

const builder = (y: Argv) =>
  y
    .positional('file', { type: 'string', demandOption: true, describe: 'A RunResult JSON file' })
    .option('html', { type: 'string', describe: 'Write the HTML report: to FILE, or with no FILE beside the JSON (x.json → x.html), as run and merge do' })
    .option('hgrm', { type: 'string', describe: 'Write one HdrHistogram .hgrm file per histogram into DIR' })
    .option('csv', { type: 'string', describe: 'Write the per-second timeline as CSV to FILE' })
    .option('threshold', { type: 'string', array: true, describe: 'Check the report against a threshold (repeatable); any crossed: exit 99' })
    .option('quiet', { type: 'boolean', default: false, describe: 'No summary on stdout' });

export type ReportCommandArgs = ArgsOf<typeof builder>;

export const reportCommandModule: CommandModule<object, FlagsOf<typeof builder>> = {
  command: 'report <file>',
  describe: 'Render a saved report again: console summary, HTML, .hgrm files, timeline CSV',
  builder,
  handler: handle(reportCommand),
};

export async function reportCommand(args: ReportCommandArgs): Promise<number> {
  const thresholds = thresholdsFromArgs(args.threshold);
  const result = await readRunResult(args.file);
  // The same check as `run`: a typo in a metric is bad input (exit 2, with a did-you-mean), not "no data" (99).
  assertThresholdsJudgeable({ ...result.scenario.plan, thresholds: [], capacity: null }, thresholds, args.file);
  const written: string[] = [];
  const html = htmlTarget(args.html, false);
  if (html !== undefined) {
    const path = html === 'beside' ? args.file.replace(/\.json$/, '') + '.html' : html;
    await writeTextFile(path, renderRunHtml(result));
    written.push(path);
  }
  if (args.hgrm !== undefined) {
    for (const [name, text] of hgrmFiles(result)) await writeTextFile(join(args.hgrm, name), text);
    written.push(`${args.hgrm}/*.hgrm`);
  }
  if (args.csv !== undefined) {
    await writeTextFile(args.csv, renderTimelineCsv(result));
    written.push(args.csv);
  }
  if (!args.quiet) process.stdout.write(`${formatSummary(result)}\n`);
  if (written.length > 0) process.stdout.write(`${args.quiet ? '' : '\n'}wrote ${written.join(', ')}\n`);
  if (thresholds.length === 0) return EXIT_OK;
  const outcomes = evaluateThresholds(thresholds, viewOfResult(result));
  process.stdout.write(`\n${formatThresholds(outcomes)}\n`);
  return anyCrossed(outcomes) ? EXIT_THRESHOLDS : EXIT_OK;
}
