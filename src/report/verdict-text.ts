/** The status in words for the summary's first line and the HTML badge: status, then caveats. */
import { caveatBadge } from './caveats.js';
import { sharePhrase } from './plan-share.js';
import type { RunResult } from './run-result.js';

/** `COMPLETE`, `FAILED: DID NOT RUN`, `COMPLETE · CONNECTIONS LOST · 1 SHARD MISSING`. */
export function statusWords(result: Pick<RunResult, 'status' | 'planShare' | 'caveats'>): string {
  const status = result.planShare?.notRun !== undefined ? `${result.status}: did not run` : result.status;
  const caveats = caveatBadge(result.caveats ?? []);
  return caveats === '' ? status : `${status} · ${caveats}`;
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
