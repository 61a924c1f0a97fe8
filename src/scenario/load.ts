/**
 * Reads a scenario file (YAML, or JSON, which YAML includes), validates it and builds the
 * RunPlan. Every problem is collected and reported at once as `file:line:col path: message`.
 */
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, extname } from 'node:path';
import { LineCounter, isMap, isNode, isScalar, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { ConfigError, errorCode, errorMessage } from '../errors.js';
import { suggestKey } from './did-you-mean.js';
import { documentData } from './document-data.js';
import { scenarioText } from './scenario-text.js';
import { applyOverrides } from './overrides.js';
import { substituteVariables } from './variables.js';
import { buildPlan } from './plan.js';
import type { PlanProblem, RunPlan } from './run-plan.js';
import { scenarioSchema, type Scenario } from './schema.js';

export interface LoadedScenario {
  file: string;
  scenario: Scenario;
  plan: RunPlan;
}

export interface LoadOptions {
  /** For `${NAME}` substitution; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** `--set path=value` overrides, applied after substitution and before validation. */
  sets?: readonly string[];
}

export async function loadScenarioFile(file: string, options: LoadOptions = {}): Promise<LoadedScenario> {
  let bytes: Buffer;
  try {
    if ((await stat(file)).isDirectory()) throw new ConfigError(`${file}: is a directory, expected a scenario file (YAML or JSON)`);
    bytes = await readFile(file);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`${file}: cannot read scenario: ${errorCode(error) ?? errorMessage(error)}`, { cause: error });
  }
  return parseScenario(scenarioText(bytes, file), file, options);
}

/** Validates scenario text; `file` names it in messages. */
export function parseScenario(text: string, file: string, options: LoadOptions = {}): LoadedScenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors
        .map((e) => {
          const pos = lineCounter.linePos(e.pos[0]);
          return `${file}:${pos.line}:${pos.col} not valid YAML: ${e.message.split('\n')[0] ?? ''}`;
        })
        .join('\n'),
    );
  }
  const raw = documentData(doc, file);
  if (raw === null || raw === undefined) throw new ConfigError(`${file}: is empty, expected a scenario with groups and stages`);
  const substituted = substituteVariables(raw, options.env ?? process.env);
  if (substituted.problems.length > 0) {
    throw new ConfigError(substituted.problems.map((p) => `${locate(file, p.path, doc, lineCounter)} ${pathText(p.path)}: ${p.message}`).join('\n'));
  }
  const data = applyOverrides(substituted.data, options.sets ?? []);
  return validateScenario(data, file, doc, lineCounter);
}

/** Validates a scenario object (from a file or from code) and builds its RunPlan. */
export function validateScenario(data: unknown, file: string, doc?: Document, lineCounter?: LineCounter): LoadedScenario {
  const where = (path: (string | number)[], atKey = false): string => locate(file, path, doc, lineCounter, atKey);
  const parsed = scenarioSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.flatMap((issue) => formatIssue(issue, where)).join('\n'));
  }
  const scenario = parsed.data;
  const scenarioName = scenario.name ?? basename(file, extname(file));
  const built = buildPlan(scenario, { scenarioName, availableCores: availableParallelism(), readIds: (path) => readFileSync(path, 'utf8') });
  if (built.plan === undefined) {
    throw new ConfigError(built.problems.map((p: PlanProblem) => `${where(p.path)} ${pathText(p.path)}: ${p.message}`).join('\n'));
  }
  return { file, scenario, plan: built.plan };
}

function formatIssue(issue: z.core.$ZodIssue, where: (path: (string | number)[], atKey?: boolean) => string): string[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const hint = suggestKey(key, scenarioSchema, path, issue.input);
      return `${where([...path, key], true)} ${pathText([...path, key])}: unknown field${hint === undefined ? '' : `, did you mean "${hint}"?`}`;
    });
  }
  const got = 'input' in issue && issue.input !== undefined ? ` (got ${show(issue.input)})` : '';
  const message =
    issue.code === 'invalid_type' && issue.input === undefined ? `required: ${issue.message.replace(/, received undefined$/, '')}` : issue.message;
  return [`${where(path)} ${pathText(path) || '(top level)'}: ${message}${got}`];
}

function pathText(path: (string | number)[]): string {
  return path.join('.');
}

function show(value: unknown): string {
  // JSON.stringify returns undefined for undefined and functions, whatever lib.d.ts says.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** `file:line:col` of the deepest node that exists along `path` (of its key, with `atKey`). */
function locate(file: string, path: (string | number)[], doc?: Document, lineCounter?: LineCounter, atKey = false): string {
  if (doc === undefined || lineCounter === undefined) return `${file}:`;
  if (atKey && path.length > 0) {
    const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
    const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && p.key.value === path[path.length - 1]) : undefined;
    if (isNode(pair?.key) && pair.key.range) {
      const pos = lineCounter.linePos(pair.key.range[0]);
      return `${file}:${pos.line}:${pos.col}`;
    }
  }
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) {
      const pos = lineCounter.linePos(node.range[0]);
      return `${file}:${pos.line}:${pos.col}`;
    }
  }
  return `${file}:1:1`;
}
