/**
 * `--set path=value` on the command line: any field of a scenario, by its dotted path
 * (`groups.0.count=5000`). The value is read as YAML, so numbers, booleans and lists keep their
 * types. Applied before validation, so an override is checked like the file itself.
 */
import { parse } from 'yaml';
import { ConfigError } from '../errors.js';

const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function applyOverrides(data: unknown, sets: readonly string[]): unknown {
  let result = structuredClone(data);
  for (const set of sets) {
    const eq = set.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--set ${set}: expected path=value, e.g. groups.0.count=5000`);
    const path = set.slice(0, eq).split('.');
    // Assigning through these would reach Object.prototype and change every object in the
    // process (prototype pollution); no scenario field has these names.
    const forbidden = path.find((segment) => FORBIDDEN_SEGMENTS.has(segment));
    if (forbidden !== undefined) throw new ConfigError(`--set ${set}: "${forbidden}" is not a scenario field`);
    let value: unknown;
    try {
      value = parse(set.slice(eq + 1));
    } catch {
      value = set.slice(eq + 1);
    }
    result = setAt(result, path, value, set);
  }
  return result;
}

function setAt(root: unknown, path: string[], value: unknown, set: string): unknown {
  const top: Record<string, unknown> = root !== null && typeof root === 'object' ? (root as Record<string, unknown>) : {};
  let node: Record<string, unknown> | unknown[] = top;
  path.forEach((segment, i) => {
    const last = i === path.length - 1;
    const key: string | number = Array.isArray(node) ? Number(segment) : segment;
    if (Array.isArray(node) && (!Number.isInteger(key) || (key as number) < 0 || (key as number) > node.length)) {
      throw new ConfigError(`--set ${set}: ${path.slice(0, i + 1).join('.')} is not an index of the list (0 to ${node.length})`);
    }
    const container = node as Record<string | number, unknown>;
    if (last) {
      container[key] = value;
      return;
    }
    if (container[key] === null || typeof container[key] !== 'object') container[key] = /^\d+$/.test(path[i + 1] ?? '') ? [] : {};
    node = container[key] as Record<string, unknown> | unknown[];
  });
  return top;
}
