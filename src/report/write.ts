/** Writes a RunResult as JSON, atomically (temp file, then rename), so a report is whole or absent. */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ReportError } from '../errors.js';
import type { RunResult } from './run-result.js';

/** `reports/<scenario>-<UTC time>.json`, with the time made safe for every file system. */
export function reportFileName(result: Pick<RunResult, 'scenario' | 'startedAt'>): string {
  const stamp = result.startedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  return `${result.scenario.name}-${stamp}.json`;
}

export async function writeReport(result: RunResult, dir: string): Promise<string> {
  const path = join(dir, reportFileName(result));
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(temp, `${JSON.stringify(result, null, 2)}\n`);
    await rename(temp, path);
  } catch (error) {
    throw new ReportError(`${path}: cannot write report: ${(error as Error).message}`, { cause: error });
  }
  return path;
}
