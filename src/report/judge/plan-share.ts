/**
 * How much of its plan a run carried out, and the default verdict drawn from it: a run in which no
 * device connected, or that sent under `minSentPercent` of its planned messages, did not happen
 * (status `failed`, exit 5), unless the scenario says refusals were expected. A capacity search
 * is not held to the share: it stops where the broker breaks. Pure: the coordinator and `merge`
 * call it; shards record their share and leave the verdict to the merge of the whole run.
 */
import type { RunPlan } from '../../scenario/run-plan.js';
import type { MetricsSection, PlanShare, RunResult, ShardId } from '../model/run-result.js';
import { allConnectsFailed } from './refusals.js';

/** Devices of one group in slice `shard` (global index k with k mod N = i). */
function sliceOf(firstIndex: number, count: number, shard: Pick<ShardId, 'index' | 'count'> | undefined): number {
  if (shard === undefined || shard.count <= 1) return count;
  const below = (n: number): number => Math.floor((n - shard.index + shard.count - 1) / shard.count);
  return below(firstIndex + count) - below(firstIndex);
}

export function planShareOf(
  plan: Pick<RunPlan, 'groups' | 'stages'> & Partial<Pick<RunPlan, 'expect' | 'minSentPercent'>>,
  total: MetricsSection,
  shard?: Pick<ShardId, 'index' | 'count'>,
): PlanShare {
  const devices = new Map(plan.groups.map((g) => [g.name, sliceOf(g.firstIndex, g.count, shard)]));
  let messagesPlanned = 0;
  for (const stage of plan.stages) {
    if (stage.type !== 'publish') continue;
    for (const group of stage.groups) messagesPlanned += (devices.get(group) ?? 0) * stage.countPerDevice;
  }
  return {
    devicesPlanned: [...devices.values()].reduce((a, b) => a + b, 0),
    devicesConnected: total.counters['connected'] ?? 0,
    messagesPlanned,
    messagesSent: total.counters['published'] ?? 0,
    messagesRefused: total.counters['refused'] ?? 0,
    minSentPercent: plan.minSentPercent ?? 95,
    expect: plan.expect ?? 'delivery',
  };
}

/** Why a run that ran to its end did not happen, or undefined when it did (or that was expected). */
export function notRunReason(share: PlanShare, capacitySearch: boolean, total?: Pick<MetricsSection, 'counters' | 'connectFailures'>): string | undefined {
  if (share.expect === 'refusals') return undefined;
  if (share.devicesPlanned > 0 && share.devicesConnected === 0) {
    // The cause first: the CONNACK reason (or socket error) and what to check.
    const failed = total === undefined ? undefined : allConnectsFailed(total);
    return `no device connected (0 of ${formatCount(share.devicesPlanned)})${failed === undefined ? '' : `: ${failed}`}`;
  }
  if (capacitySearch || share.messagesPlanned === 0) return undefined;
  // A refused publish was not delivered: a run the broker mostly refused did not happen either.
  const refused = share.messagesRefused ?? 0;
  const delivered = share.messagesSent - refused;
  const percent = (100 * delivered) / share.messagesPlanned;
  if (percent >= share.minSentPercent) return undefined;
  if (refused > 0) {
    return `delivered ${sharePhrase({ messagesSent: delivered, messagesPlanned: share.messagesPlanned })}, ${formatCount(refused)} refused, under the minimum of ${share.minSentPercent}%`;
  }
  return `sent ${sharePhrase(share)}, under the minimum of ${share.minSentPercent}%`;
}

/** "977 of 3,000 messages (33%)". */
export function sharePhrase(share: Pick<PlanShare, 'messagesSent' | 'messagesPlanned'>): string {
  const percent = share.messagesPlanned === 0 ? 100 : (100 * share.messagesSent) / share.messagesPlanned;
  return `${formatCount(share.messagesSent)} of ${formatCount(share.messagesPlanned)} messages (${percent >= 99.95 || percent === 0 ? percent.toFixed(0) : percent.toFixed(1)}%)`;
}

/**
 * The default verdict on a whole run: a complete run that did not happen becomes `failed` with
 * the reason, and `planShare.notRun` says so (exit 5). Other statuses keep theirs.
 */
export function judgePlanShare(result: RunResult): RunResult {
  const share = result.planShare;
  if (share === undefined || result.status !== 'complete') return result;
  const reason = notRunReason(share, (result.scenario.plan.capacity ?? null) !== null, result.total);
  if (reason === undefined) return result;
  const statusReason = result.statusReason === undefined ? reason : `${reason}; ${result.statusReason}`;
  return { ...result, status: 'failed', statusReason, planShare: { ...share, notRun: reason } };
}

export function didNotRun(result: Pick<RunResult, 'planShare'>): boolean {
  return result.planShare?.notRun !== undefined;
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
