/**
 * The parts of a group plan that need more than the schema: device ids from a pattern or from an
 * id list file, and the payload compiled and checked. Problems are collected with their paths.
 */
import type { PlanProblem } from './run-plan.js';
import { jsonTemplateText, payloadTemplateProblems, type PayloadPlan } from './payload.js';
import type { ScenarioGroup } from './schema.js';
import { errorCode, errorMessage } from '../errors.js';

export const DEFAULT_ID_PATTERN = 'device-{index:05}';

/** Reads an id list file into its lines; throws with a message (the loader's edge supplies it). */
export type IdListReader = (file: string) => string;

/** An MQTT client id must be 1–65535 UTF-8 bytes [MQTT-3.1.3-5]; we also refuse spaces and `/`, `+`, `#`, which would break topics. */
const BAD_ID = /[\s/+#]/;

/** The ids of a list file: one per line, blank lines and lines starting with # skipped. */
export function parseIdList(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export interface GroupIdentity {
  count: number;
  idPattern: string;
  ids: string[] | null;
}

export function planGroupIdentity(g: ScenarioGroup, path: (string | number)[], readIds: IdListReader | undefined, problems: PlanProblem[]): GroupIdentity {
  if (g.ids === undefined) {
    if (g.count === undefined) problems.push({ path: [...path, 'count'], message: 'required: the number of devices (or ids: a file of device ids)' });
    return { count: g.count ?? 1, idPattern: g.idPattern ?? DEFAULT_ID_PATTERN, ids: null };
  }
  if (g.idPattern !== undefined) problems.push({ path: [...path, 'ids'], message: 'give either ids (a file) or idPattern, not both' });
  const ids = readIdFile(g.ids, path, readIds, problems);
  if (g.count !== undefined && g.count > ids.length) {
    problems.push({ path: [...path, 'count'], message: `${g.count} devices, but ${g.ids} holds only ${ids.length} ids` });
  }
  const count = g.count ?? ids.length;
  return { count: Math.max(1, count), idPattern: g.ids, ids: ids.slice(0, count) };
}

function readIdFile(file: string, path: (string | number)[], readIds: IdListReader | undefined, problems: PlanProblem[]): string[] {
  if (readIds === undefined) {
    problems.push({ path: [...path, 'ids'], message: 'id list files can only be read when loading a scenario file' });
    return [];
  }
  let ids: string[];
  try {
    ids = parseIdList(readIds(file));
  } catch (error) {
    problems.push({ path: [...path, 'ids'], message: `cannot read ${file}: ${errorCode(error) ?? errorMessage(error)}` });
    return [];
  }
  if (ids.length === 0) problems.push({ path: [...path, 'ids'], message: `${file} holds no device ids` });
  const seen = new Set<string>();
  for (const [i, id] of ids.entries()) {
    if (BAD_ID.test(id) || Buffer.byteLength(id) > 65535)
      problems.push({ path: [...path, 'ids'], message: `${file}:${i + 1}: "${id}" cannot be a client id (no spaces, /, + or #)` });
    else if (seen.has(id)) problems.push({ path: [...path, 'ids'], message: `${file}: "${id}" is listed twice; client ids must be unique` });
    seen.add(id);
    if (problems.length > 20) break;
  }
  return ids;
}

/** The payload plan, or problems with the template's placeholders. */
export function planPayload(payload: ScenarioGroup['payload'], path: (string | number)[], problems: PlanProblem[]): PayloadPlan {
  if (typeof payload === 'object' && 'size' in payload) return { kind: 'size', bytes: payload.size };
  const json = typeof payload === 'object';
  const template = json ? jsonTemplateText(payload.json) : payload;
  for (const problem of payloadTemplateProblems(template)) problems.push({ path: [...path, 'payload'], message: problem });
  return { kind: 'template', template, json };
}
