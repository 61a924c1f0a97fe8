/**
 * JSON.parse, refusing objects with duplicate member names at any depth. RFC 7515 §5.2 and
 * RFC 7519 §4 let a JWT recipient either refuse duplicates or keep the lexically last one; we
 * refuse, because a token whose `alg`, `kid`, `exp` or `aud` means one thing to the parser that
 * issued it and another to ours is exactly the parser differential RFC 8725 §2.8 warns about.
 * Names are compared after unescaping, so `"\u0061lg"` is a second `alg`.
 */

/** The parsed value, or undefined when the text is not JSON or repeats a member name. */
export function parseStrictJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return hasDuplicateNames(text) ? undefined : value;
}

/**
 * Walks text that JSON.parse has accepted, so only structure matters: a stack of the names seen
 * in each open object (null for arrays), and whether the next string is a member name.
 */
function hasDuplicateNames(text: string): boolean {
  const open: (Set<string> | null)[] = [];
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '{') {
      open.push(new Set());
      expectName = true;
    } else if (char === '[') {
      open.push(null);
      expectName = false;
    } else if (char === '}' || char === ']') {
      open.pop();
      expectName = false;
    } else if (char === ',') {
      expectName = open[open.length - 1] instanceof Set;
    } else if (char === ':') {
      expectName = false;
    } else if (char === '"') {
      const end = stringEnd(text, i);
      const names = open[open.length - 1];
      if (expectName && names instanceof Set) {
        const name = JSON.parse(text.slice(i, end + 1)) as string;
        if (names.has(name)) return true;
        names.add(name);
      }
      expectName = false;
      i = end;
    }
  }
  return false;
}

/** Index of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i;
}
