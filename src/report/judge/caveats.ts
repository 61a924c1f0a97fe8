/**
 * What a reader must know beside the status, in the status line and the HTML badge rather than
 * only in a subtitle: shards missing from a merge, a run interrupted part way (with the share of
 * its plan that ran), connections lost, subscribers that stopped receiving. Read from the report
 * itself, so `merge` and `report` find the same.
 */
import { clockCaveat } from './clock.js';
import { faultsOf } from './faults.js';
import { sharePhrase } from './plan-share.js';
import type { Caveat, RunResult } from '../model/run-result.js';

export function caveatsOf(result: RunResult): Caveat[] {
  const caveats: Caveat[] = [];
  const missing = result.shards?.missing ?? [];
  if (missing.length > 0) {
    caveats.push({
      kind: 'missing-shards',
      label: `${missing.length} shard${missing.length === 1 ? '' : 's'} missing`,
      message: `${missing.length} of ${result.shards?.count ?? 0} shards missing (${missing.map((i) => `shard ${i}`).join(', ')})`,
    });
  }
  if (result.status === 'interrupted' && result.planShare !== undefined && result.planShare.messagesPlanned > 0) {
    const percent = (100 * result.planShare.messagesSent) / result.planShare.messagesPlanned;
    caveats.push({
      kind: 'interrupted',
      label: `${percent.toFixed(percent >= 10 ? 0 : 1)}% of the plan ran`,
      message: `interrupted after ${sharePhrase(result.planShare)} of the plan`,
    });
  }
  const faults = faultsOf(result.total);
  if (faults !== undefined) {
    caveats.push({
      kind: 'connections-lost',
      label: 'connections lost',
      message: `${faults.connectionsLost} connections lost, ${faults.reconnects} came back${faults.gaveUp > 0 ? `, ${faults.gaveUp} gave up` : ''}`,
    });
  }
  for (const loss of result.subscriptionLosses ?? []) {
    caveats.push({ kind: 'subscription-lost', label: 'subscription lost', message: subscriptionLossPhrase(loss) });
  }
  const clock = clockCaveat(result);
  if (clock !== undefined) caveats.push(clock);
  return caveats;
}

export function subscriptionLossPhrase(loss: NonNullable<RunResult['subscriptionLosses']>[number]): string {
  return `${loss.devices} subscriber${loss.devices === 1 ? '' : 's'} of ${loss.group} stopped receiving ${loss.filter} from ${loss.silentFrom} (about ${loss.missedMessages.toLocaleString('en-US')} messages missed)`;
}

/** The caveats as one short badge text: `connections lost · 1 shard missing`. */
export function caveatBadge(caveats: readonly Caveat[]): string {
  return [...new Set(caveats.map((c) => c.label))].join(' · ');
}

/** A whole run's result with its caveats set (absent when there are none). */
export function withCaveats(result: RunResult): RunResult {
  const caveats = caveatsOf(result);
  const rest = { ...result };
  delete rest.caveats;
  return caveats.length === 0 ? rest : { ...rest, caveats };
}
