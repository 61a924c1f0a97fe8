/**
 * Token refreshes as connect load, foreseen from the plan (issue 24, item 6): in a run longer
 * than its tokens' lifetime every device reconnects once per (lifetime − refreshBefore), so a
 * group makes count ÷ (lifetime − refreshBefore) refresh connects a second on top of the plan's
 * own. When that nears the plan's connect rate, the refreshes, not the stages, set the load.
 */
import { estimateStageDurationsMs } from './describe.js';
import type { RunPlan } from './run-plan.js';
import { formatDurationMs } from './units.js';

/** Refresh connects per second at or above this share of the plan's connect rate are warned about. */
export const REFRESH_WARN_SHARE = 0.5;

/** One sentence per group whose refreshes approach the plan's fastest connect stage. */
export function refreshLoadWarnings(plan: Pick<RunPlan, 'groups' | 'stages'>): string[] {
  const runMs = estimateStageDurationsMs(plan as RunPlan).reduce((a, b) => a + b, 0);
  const connectRates = plan.stages.flatMap((s) => (s.type === 'connect' && s.ratePerSec !== null ? [s.ratePerSec] : []));
  if (connectRates.length === 0) return [];
  const capacityPerSec = Math.max(...connectRates);
  return plan.groups.flatMap((g) => {
    const { lifetimeSec, refreshBeforeSec } = g.token;
    if (lifetimeSec * 1000 >= runMs) return [];
    const perSec = g.count / (lifetimeSec - refreshBeforeSec);
    if (perSec < REFRESH_WARN_SHARE * capacityPerSec) return [];
    const span = `${formatDurationMs(lifetimeSec * 1000)} − ${formatDurationMs(refreshBeforeSec * 1000)}`;
    return [
      `group ${g.name}: token refreshes will reconnect ${g.count} devices ÷ (token.lifetime − token.refreshBefore = ${span}) = ${Math.round(perSec)}/s, ` +
        `${Math.round((100 * perSec) / capacityPerSec)}% of the plan's fastest connect stage (${Math.round(capacityPerSec)}/s): a refresh storm; ` +
        'a longer token.lifetime or a shorter token.refreshBefore lowers it',
    ];
  });
}
