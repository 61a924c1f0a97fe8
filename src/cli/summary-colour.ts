/**
 * Colour for the run summary on a terminal, laid over the plain text formatSummary returns (so the
 * report module stays free of terminal concerns): the status, the warnings in capitals that say a
 * run is not what it seems (GENERATOR SATURATED, CONNECTIONS LOST, …), and threshold marks.
 */
import type { Paint } from '../report/render/paint.js';

const STATUS: Record<string, keyof Paint> = { COMPLETE: 'green', INTERRUPTED: 'yellow', FAILED: 'red' };

export function colourSummary(text: string, paint: Paint): string {
  return text
    .split('\n')
    .map((line, i) => {
      if (i === 0) return line.replace(/ · (COMPLETE|INTERRUPTED|FAILED)\b/, (_m, status: string) => ` · ${paint[STATUS[status] ?? 'bold'](status)}`);
      if (/^[A-Z][A-Z ]{6,}:/.test(line)) return paint.yellow(line);
      if (/^ {2}✗ /.test(line)) return paint.red(line);
      if (/^ {2}✓ /.test(line)) return paint.green(line);
      return line;
    })
    .join('\n');
}
