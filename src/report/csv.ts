/** The timeline as CSV (RFC 4180: comma-separated, CRLF), one row per second, latencies in µs. */
import type { TimelinePoint } from './run-result.js';

const COLUMNS = ['second', 'connects', 'connectFailures', 'published', 'acked', 'errors', 'connected', 'inFlight', 'publishAckP50Us', 'publishAckP99Us'] as const satisfies readonly (keyof TimelinePoint)[];

export function renderTimelineCsv(timeline: readonly TimelinePoint[]): string {
  const lines = [COLUMNS.join(',')];
  for (const point of timeline) lines.push(COLUMNS.map((c) => String(point[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
