/**
 * The timeline as CSV (RFC 4180: comma-separated, CRLF), one row per second from the second the
 * first stage began (run-timeline.ts), with no gaps, naming each row's stage; latencies in µs.
 */
import type { RunResult } from '../model/run-result.js';
import { runTimeline, type TimelineRow } from './run-timeline.js';

const COLUMNS = [
  'second',
  'stage',
  'connects',
  'connectFailures',
  'published',
  'acked',
  'errors',
  'connected',
  'inFlight',
  'publishAckP50Us',
  'publishAckP99Us',
  'lost',
  'reconnects',
  'refreshes',
] as const satisfies readonly (keyof TimelineRow)[];

export function renderTimelineCsv(result: Pick<RunResult, 'startedAt' | 'timeline' | 'stages'>): string {
  const lines: string[] = [COLUMNS.join(',')];
  for (const row of runTimeline(result).rows) lines.push(COLUMNS.map((c) => String(row[c] ?? 0)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
