/**
 * Can a run's latencies be taken as the broker's? Not when the generator was saturated (in any
 * shard) or a stage ran behind its plan: then they partly measure the generator. One verdict,
 * read by the console, the HTML and the exit code (6), for runs and merged runs alike. A scenario
 * with judgeGenerator: false has its generator's figures recorded but not judged: never
 * untrustworthy, and the words say the verdict was off.
 */
import type { GeneratorSection, RunResult, StageRecord } from '../model/run-result.js';
import { behindPlanInWords } from './stage-pace.js';

export const GENERATOR_CAVEAT = 'these latencies partly measure the generator, not the broker';
export const NOT_JUDGED =
  "GENERATOR NOT JUDGED (judgeGenerator: false): the generator's figures are recorded, but neither its saturation nor the stages' pace was judged, so this run cannot exit 6.";

export interface TrustVerdict {
  saturated: boolean;
  /** Why it was saturated (a merged report's name their shard). */
  saturationReasons: string[];
  /** Each stage behind plan, in words with its numbers. */
  behindPlan: string[];
  untrustworthy: boolean;
  /** false when the scenario said judgeGenerator: false (then nothing above is judged). */
  judged: boolean;
  /** Set when token refreshes were the load: each device refreshed at least REFRESH_STORM_PER_DEVICE times. */
  refreshStorm?: string;
}

/** Refreshes per device from which a struggling generator is blamed on them rather than on its size. */
export const REFRESH_STORM_PER_DEVICE = 3;

export function trustOf(result: Pick<RunResult, 'generator' | 'stages'> & Partial<Pick<RunResult, 'total' | 'durationMs'>>): TrustVerdict {
  const saturated = result.generator?.saturated === true;
  const behindPlan = result.stages.flatMap((s) => behindPlanInWords(s) ?? []);
  const judged = result.generator?.judged !== false;
  const untrustworthy = judged && (saturated || behindPlan.length > 0);
  const storm = untrustworthy ? refreshStormOf(result) : undefined;
  return {
    saturated,
    saturationReasons: saturated ? (result.generator?.reasons ?? []) : [],
    behindPlan,
    untrustworthy,
    judged,
    ...(storm === undefined ? {} : { refreshStorm: storm }),
  };
}

/** "7,940 token-refresh reconnects in 20.0 s (397/s, 39.7 per device)", when refreshes were the load. */
function refreshStormOf(result: Partial<Pick<RunResult, 'total' | 'durationMs'>>): string | undefined {
  const refreshes = result.total?.counters['refreshes'] ?? 0;
  const devices = result.total?.counters['devices'] ?? 0;
  if (devices === 0 || refreshes < REFRESH_STORM_PER_DEVICE * devices) return undefined;
  const seconds = (result.durationMs ?? 0) / 1000;
  const rate = seconds > 0 ? `${Math.round(refreshes / seconds).toLocaleString('en-US')}/s, ` : '';
  return `${refreshes.toLocaleString('en-US')} token-refresh reconnects in ${seconds.toFixed(1)} s (${rate}${(refreshes / devices).toFixed(1)} per device)`;
}

/** The verdict in sentences, for the console and the HTML; empty when the run can be trusted. */
export function trustInWords(verdict: TrustVerdict): string[] {
  if (!verdict.judged) return [NOT_JUDGED];
  if (!verdict.untrustworthy) return [];
  const lines: string[] = [];
  if (verdict.saturated) lines.push(`GENERATOR SATURATED: the harness, not only the broker, limited this run (${verdict.saturationReasons.join('; ')}).`);
  for (const stage of verdict.behindPlan) lines.push(`BEHIND PLAN: ${stage}.`);
  if (verdict.refreshStorm !== undefined) {
    // More workers would only spread the storm: the cause is the tokens' lifetime (issue 24, item 6).
    lines.push(`REFRESH STORM: ${verdict.refreshStorm}; refreshes a second = devices ÷ (token.lifetime − token.refreshBefore).`);
    lines.push(`So ${GENERATOR_CAVEAT}. Lengthen token.lifetime or shorten token.refreshBefore; \`validate\` warns when refreshes near the connect rate.`);
    return lines;
  }
  lines.push(`So ${GENERATOR_CAVEAT}. Use more workers, processes or machines, or a lower rate.`);
  return lines;
}

/** Marks the generator section with whether any stage ran behind plan. */
export function withBehindPlan(generator: GeneratorSection | undefined, stages: readonly StageRecord[]): GeneratorSection | undefined {
  if (generator === undefined) return undefined;
  return { ...generator, behindPlan: stages.some((s) => s.pace?.behindPlan === true) };
}
