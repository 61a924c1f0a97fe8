/**
 * A parsed YAML document turned into plain data, or a ConfigError. `toJS` itself throws on an
 * alias without its anchor and on too many aliases (the "billion laughs" guard), and an anchor
 * that contains its own alias (`&a [*a]`) becomes a cycle that every later step would follow
 * until the stack overflows. A scenario is a tree, so a cycle is refused here, by name.
 */
import type { Document } from 'yaml';
import { ConfigError, errorMessage } from '../errors.js';

/** Aliases allowed in one scenario; yaml's own default, stated here so it is a decision. */
const MAX_ALIAS_COUNT = 100;

export function documentData(doc: Document, file: string): unknown {
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw new ConfigError(`${file}: not valid YAML: ${errorMessage(error).split('\n')[0] ?? ''}`, { cause: error });
  }
  if (hasCycle(data)) throw new ConfigError(`${file}: not valid as a scenario: an anchor contains an alias of itself (a scenario must be a tree)`);
  return data;
}

/** Depth-first without recursion, so deep nesting cannot overflow the stack here either. */
function hasCycle(root: unknown): boolean {
  const onPath = new Set<object>();
  const stack: { node: object; children: unknown[] | undefined }[] = [];
  const enter = (value: unknown): boolean => {
    if (value === null || typeof value !== 'object') return false;
    if (onPath.has(value)) return true;
    onPath.add(value);
    stack.push({ node: value, children: undefined });
    return false;
  };
  if (enter(root)) return true;
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as { node: object; children: unknown[] | undefined };
    // Object.values also lists an array's elements, in order.
    top.children ??= top.node instanceof Map ? [...top.node.values()] : Object.values(top.node);
    if (top.children.length === 0) {
      onPath.delete(top.node);
      stack.pop();
    } else if (enter(top.children.pop())) {
      return true;
    }
  }
  return false;
}
