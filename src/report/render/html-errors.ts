/**
 * "Errors by reason", near the top of the run page: every connect failure and error by its
 * reason, the stage it happened in, and the embedded broker's refusals, so a failed run says why
 * before any chart. Pure.
 */
import { escapeHtml } from './html-escape.js';
import { htmlTable } from './html-page.js';
import { errorLabel } from './labels.js';
import type { MetricsSection, RunResult } from '../model/run-result.js';

interface Reason {
  label: string;
  of: (s: MetricsSection) => number;
}

export function errorsSection(result: RunResult): string {
  // Root causes above knock-on errors: a refused connect comes before the messages its device
  // could not send (not-connected), however many more of those there were; each kind by count.
  const byCount = (reasons: Reason[]): Reason[] => reasons.filter((r) => r.of(result.total) > 0).sort((a, b) => b.of(result.total) - a.of(result.total));
  const reasons: Reason[] = [
    ...byCount(
      Object.keys(result.total.connectFailures)
        .sort()
        .map((k) => ({ label: `connect failed: ${k}`, of: (s: MetricsSection) => s.connectFailures[k] ?? 0 })),
    ),
    ...byCount(
      Object.keys(result.total.errors)
        .sort()
        .map((k) => ({ label: `error: ${errorLabel(k)}`, of: (s: MetricsSection) => s.errors[k] ?? 0 })),
    ),
  ];
  const refused = Object.entries(result.broker.metrics?.counters ?? {}).filter(([k, v]) => k.startsWith('auth.rejected.') && v > 0);
  const total = reasons.reduce((n, r) => n + r.of(result.total), 0);
  if (total === 0 && refused.length === 0) {
    return '<section id="errors"><h2>Errors by reason</h2>\n<p class="ok">No errors and no failed connects.</p></section>';
  }
  const stages = result.stages.map((s) => `${s.index + 1} ${s.type}`);
  const rows = reasons.map((r) => [escapeHtml(r.label), `<b>${r.of(result.total)}</b>`, ...result.stages.map((s) => String(r.of(s.total) || ''))]);
  const table = rows.length === 0 ? '' : htmlTable(['reason', 'count', ...stages.map(escapeHtml)], rows, ' class="errors"');
  const broker =
    refused.length === 0
      ? ''
      : `\n<p class="sub">the embedded broker refused: ${refused.map(([k, v]) => `${escapeHtml(k.slice('auth.rejected.'.length))} ${v}`).join(', ')}</p>`;
  return `<section id="errors"><h2>Errors by reason</h2>\n<p class="sub">${total} in all; by the stage they happened in</p>\n${table}${broker}</section>`;
}
