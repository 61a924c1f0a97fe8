/** A plain-text table: the first column left-aligned, the rest right-aligned, two spaces apart. */
export function formatTable(rows: readonly (readonly string[])[], style?: (line: string, rowIndex: number) => string): string {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...rows.map((r) => columnsOf(r[i] ?? ''))));
  // Styled after padding, so colour codes never count as columns.
  return rows
    .map((r, index) => {
      const line = r
        .map((cell, i) => pad(cell, widths[i] ?? 0, i === 0))
        .join('  ')
        .trimEnd();
      return style === undefined ? line : style(line, index);
    })
    .join('\n');
}

/**
 * The columns a string takes on a terminal, counted by code points, so Δ, × and µ count as one
 * each. Code points rather than graphemes: the texts here are ours and hold no combining marks.
 */
export function columnsOf(text: string): number {
  return Array.from(text).length;
}

/** Pads by code points (`columnsOf`). */
function pad(cell: string, width: number, left: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - columnsOf(cell)));
  return left ? cell + fill : fill + cell;
}
