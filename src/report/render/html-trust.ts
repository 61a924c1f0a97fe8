/** The HTML's section on the generator: whether the run can be trusted, planned against achieved, each shard's verdict. */
import { escapeHtml } from './html-escape.js';
import { htmlTable } from './html-page.js';
import type { RunResult } from '../model/run-result.js';
import { trustInWords, trustOf } from '../judge/trust.js';

export function trustSection(r: RunResult): string {
  const trust = trustOf(r);
  const verdict = trustInWords(trust);
  const words = !trust.judged
    ? `<p class="sub"><b>${verdict.map(escapeHtml).join('<br>')}</b></p>`
    : verdict.length === 0
      ? '<p class="sub">The generator kept to its plan and was not saturated.</p>'
      : `<p class="untrusted"><b>${verdict.map(escapeHtml).join('<br>')}</b></p>`;
  const rate = (x: number | null): string => (x === null ? 'at once' : `${Math.round(x)}/s`);
  const paced = r.stages.filter((s) => s.pace !== undefined && s.pace.achievedRatio !== null);
  const stages =
    paced.length === 0
      ? ''
      : htmlTable(
          ['stage', 'type', 'planned', 'planned rate', 'planned s', 'achieved', 'achieved rate', 'took s', 'last action late (s)', 'of plan'],
          paced.map((s) => {
            const p = s.pace as NonNullable<typeof s.pace>;
            return [
              String(s.index + 1),
              escapeHtml(s.type),
              String(p.planned.actions),
              rate(p.planned.ratePerSec),
              (p.planned.durationMs / 1000).toFixed(1),
              String(p.achieved.actions),
              rate(p.achieved.ratePerSec),
              (p.achieved.durationMs / 1000).toFixed(1),
              ((p.lastActionLateMs ?? 0) / 1000).toFixed(1),
              `${Math.round((p.achievedRatio ?? 0) * 100)}%${p.behindPlan ? ' <b>behind plan</b>' : ''}`,
            ];
          }),
        );
  const shards = r.generator?.shards;
  const shardTable =
    shards === undefined
      ? ''
      : htmlTable(
          ['shard', 'verdict', 'why', 'CPU s', 'peak RSS MiB'],
          shards.map((g) => [
            String(g.shard),
            g.saturated ? '<b>saturated</b>' : 'ok',
            escapeHtml(g.reasons.join('; ') || '—'),
            ((g.process.cpuUserMs + g.process.cpuSystemMs) / 1000).toFixed(1),
            (g.process.peakRssBytes / 1048576).toFixed(0),
          ]),
        );
  return `<h2>Generator</h2>\n${words}\n${stages}\n${shardTable}`;
}
