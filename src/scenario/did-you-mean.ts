/** Suggests the nearest allowed field name for an unknown one, from the format's JSON Schema. */
import { z } from 'zod';

type JsonSchema = { properties?: Record<string, JsonSchema>; items?: JsonSchema; oneOf?: JsonSchema[]; anyOf?: JsonSchema[]; const?: unknown };

const cache = new WeakMap<z.ZodType, JsonSchema>();

export function suggestKey(unknownKey: string, schema: z.ZodType, path: (string | number)[], input: unknown): string | undefined {
  let json = cache.get(schema);
  if (json === undefined) {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    cache.set(schema, json);
  }
  return nearestName(unknownKey, allowedKeys(json, path, input));
}

/** The allowed name nearest to `unknown` (case aside), if one is close enough to be a typo. */
export function nearestName(unknown: string, allowed: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(unknown.length / 3)) + 1;
  for (const key of allowed) {
    const d = distance(unknown.toLowerCase(), key.toLowerCase());
    if (d < bestDistance) {
      best = key;
      bestDistance = d;
    }
  }
  return best;
}

function allowedKeys(root: JsonSchema, path: (string | number)[], input: unknown): string[] {
  let nodes: JsonSchema[] = [root];
  for (const step of path) {
    nodes = nodes.flatMap(expand).flatMap((n) => {
      const next = typeof step === 'number' ? n.items : n.properties?.[step];
      return next === undefined ? [] : [next];
    });
  }
  const objects = nodes.flatMap(expand);
  // For a discriminated union, prefer the branch whose `type` matches the input's.
  const type = (input as { type?: unknown } | null)?.type;
  const matching = objects.filter((n) => n.properties?.['type']?.const === type);
  return [...new Set((matching.length > 0 ? matching : objects).flatMap((n) => Object.keys(n.properties ?? {})))];
}

function expand(node: JsonSchema): JsonSchema[] {
  const options = node.oneOf ?? node.anyOf;
  return options === undefined ? [node] : options.flatMap(expand);
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
