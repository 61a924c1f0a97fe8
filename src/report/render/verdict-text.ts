/** The status in words for the summary's first line and the HTML badge: status, then caveats. */
import { caveatBadge } from '../judge/caveats.js';
import { sharePhrase } from '../judge/plan-share.js';
import { trustOf } from '../judge/trust.js';
import type { RunResult } from '../model/run-result.js';

/** `COMPLETE`, `FAILED: DID NOT RUN`, `COMPLETE · CONNECTIONS LOST · 1 SHARD MISSING`. */
export function statusWords(result: Pick<RunResult, 'status' | 'planShare' | 'caveats' | 'generator' | 'stages'>): string {
  const status = result.planShare?.notRun !== undefined ? `${result.status}: did not run` : result.status;
  // The headline itself says when the generator was the bottleneck: a saturated run never reads clean.
  const trust = trustOf(result);
  const generator = [...(trust.saturated ? ['generator saturated'] : []), ...(trust.behindPlan.length > 0 ? ['behind plan'] : [])];
  const badges = [...generator, ...(caveatBadge(result.caveats ?? []) === '' ? [] : [caveatBadge(result.caveats ?? [])])];
  return badges.length === 0 ? status : `${status} · ${badges.join(' · ')}`;
}

/** One line: how much of the plan ran; undefined for reports without the figures. */
export function planShareLine(result: Pick<RunResult, 'planShare' | 'caveats'>): string | undefined {
  const share = result.planShare;
  if (share === undefined) return undefined;
  const devices = `${share.devicesConnected.toLocaleString('en-US')} of ${share.devicesPlanned.toLocaleString('en-US')} devices connected`;
  const messages = share.messagesPlanned === 0 ? '' : ` · sent ${sharePhrase(share)} of the plan`;
  const expect = share.expect === 'refusals' ? ' · refusals expected' : '';
  return `plan: ${devices}${messages}${expect}`;
}

/** Every caveat's sentence. */
export function caveatLines(result: Pick<RunResult, 'caveats'>): string[] {
  return (result.caveats ?? []).map((c) => `! ${c.message}`);
}
