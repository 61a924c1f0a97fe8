/** Reads a saved RunResult and checks it against the schema; a bad file is a ConfigError (exit 2). */
import { readFile } from 'node:fs/promises';
import { ConfigError, errorCode, errorMessage } from '../../errors.js';
import type { RunResult } from './run-result.js';
import { runResultSchema } from './run-result-schema.js';
import { SCHEMA_VERSION } from './run-result-schema.js';

export async function readRunResult(file: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${file}: cannot read report: ${errorCode(error) ?? errorMessage(error)}`, { cause: error });
  }
  return parseRunResult(text, file);
}

export function parseRunResult(text: string, file: string): RunResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: not JSON: ${errorMessage(error)}`, { cause: error });
  }
  const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof data !== 'object' || data === null || version === undefined) throw new ConfigError(`${file}: not an mqtt-jwt-bench report (no schemaVersion)`);
  if (version !== SCHEMA_VERSION) {
    throw new ConfigError(`${file}: schemaVersion ${JSON.stringify(version)}, but this version of mqtt-jwt-bench reads ${SCHEMA_VERSION}`, {
      hint: 'Render it with the version of mqtt-jwt-bench that wrote it.',
    });
  }
  const parsed = runResultSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    throw new ConfigError(
      `${file}: ${where === '' ? '' : `${where}: `}${issue?.message ?? 'invalid report'}${parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : ''}`,
    );
  }
  return parsed.data;
}
