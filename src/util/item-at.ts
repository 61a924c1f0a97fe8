/**
 * An array's element where the index is known to be in range: a check instead of an `as` cast
 * (noUncheckedIndexedAccess types every `list[i]` as possibly undefined). A miss is a bug, so it
 * throws rather than passing undefined on.
 */
export function itemAt<T>(list: readonly T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new RangeError(`index ${index} out of range (length ${list.length})`);
  return item;
}
