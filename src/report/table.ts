/** A plain-text table: the first column left-aligned, the rest right-aligned, two spaces apart. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return rows
    .map((r) => r.map((cell, i) => pad(cell, widths[i] ?? 0, i === 0)).join('  ').trimEnd())
    .join('\n');
}

/** Pads by code points, so Δ, × and µ count as one column each. */
function pad(cell: string, width: number, left: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - [...cell].length));
  return left ? cell + fill : fill + cell;
}
