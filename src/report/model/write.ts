/** Writes reports atomically (temp file, then rename), so a report is whole or absent. */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ReportError, errorMessage } from '../../errors.js';
import type { RunResult } from './run-result.js';

/**
 * `reports/<scenario>-<UTC time>.json` (`-shard-<i>-of-<N>` added for a shard), with the time
 * made safe for every file system.
 */
export function reportFileName(result: Pick<RunResult, 'scenario' | 'startedAt' | 'shard'>): string {
  const stamp = result.startedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const shard = result.shard !== undefined && result.shard.count > 1 ? `-shard-${result.shard.index}-of-${result.shard.count}` : '';
  return `${result.scenario.name}-${stamp}${shard}.json`;
}

/** The one name of a merged report, whether `merge` or `run --processes` wrote it: `<run-id>-merged.json`. */
export function mergedFileName(runId: string): string {
  return `${runId}-merged.json`;
}

/**
 * A shard's report goes to its run's folder (`<dir>/<run-id>/`), so the shards of one run sit
 * together; a merged report (`run --processes`) goes there too, named as `merge` names it.
 */
export function reportPath(result: Pick<RunResult, 'scenario' | 'startedAt' | 'shard' | 'runId' | 'shards'>, dir: string): string {
  if (result.shards !== undefined && result.runId !== undefined) return join(dir, result.runId, mergedFileName(result.runId));
  const runFolder = result.shard !== undefined && result.shard.count > 1 && result.runId !== undefined ? result.runId : '';
  return join(dir, runFolder, reportFileName(result));
}

export async function writeReport(result: RunResult, dir: string): Promise<string> {
  const path = reportPath(result, dir);
  await writeTextFile(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

/**
 * The HTML page beside a JSON report: `x.json` → `x.html`. The renderer is loaded only here, so a
 * run carries it only when it writes a page, and only at the end.
 */
export async function writeHtmlBeside(result: RunResult, jsonPath: string, to?: string): Promise<string> {
  const path = to ?? jsonPath.replace(/\.json$/, '') + '.html';
  const { renderRunHtml } = await import('../render/html.js');
  await writeTextFile(path, renderRunHtml(result));
  return path;
}

export async function writeTextFile(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temp, text);
    await rename(temp, path);
  } catch (error) {
    throw new ReportError(`${path}: cannot write: ${errorMessage(error)}`, { cause: error });
  }
}
