/**
 * RFC 4180 CSV, as much as the registry file needs: fields quoted with `"` may hold commas,
 * line breaks and `""` for a quote; records end with CRLF (LF is accepted too).
 */
import { ConfigError } from '../errors.js';

export interface CsvRow {
  /** 1-based line where the record starts. */
  line: number;
  cells: string[];
}

/** RFC 4180 §2.6–2.7: quote a field when it holds a quote, comma or line break. */
export function formatCsvRow(cells: string[]): string {
  return cells.map((cell) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell)).join(',');
}

export function parseCsv(text: string, file: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const endRow = (): void => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
  };
  while (i < text.length) {
    const ch = text[i] ?? '';
    if (ch === '"' && cell === '') {
      const quoted = readQuoted(text, i, line, file);
      ({ value: cell, next: i, line } = quoted);
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
      i++;
    } else if (ch === '\r' || ch === '\n') {
      endRow();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      rowLine = line;
    } else {
      cell += ch;
      i++;
    }
  }
  if (cell !== '' || cells.length > 0) endRow();
  return rows;
}

/** RFC 4180 §2.5–2.7: a quoted field from the `"` at `start`; `""` is one quote. */
function readQuoted(text: string, start: number, startLine: number, file: string): { value: string; next: number; line: number } {
  let value = '';
  let line = startLine;
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw new ConfigError(`${file}:${startLine} a quoted field is never closed`);
    const c = text[i] ?? '';
    if (c === '"' && text[i + 1] === '"') {
      value += '"';
      i += 2;
    } else if (c === '"') {
      i++;
      break;
    } else {
      if (c === '\n') line++;
      value += c;
      i++;
    }
  }
  const next = text[i];
  if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') throw new ConfigError(`${file}:${line} text after a closing quote`);
  return { value, next: i, line };
}
