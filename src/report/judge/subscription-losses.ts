/**
 * Silent subscribers, as the report shows them: one entry per group and filter, with how many
 * devices, since when (the earliest), about how many messages they missed, and the first few ids.
 * The same function joins the entries of a run's workers and of a merge's shards.
 */
import type { SubscriptionLoss } from '../model/run-result.js';

export interface SilentEntry {
  group: string;
  filter: string;
  devices: number;
  silentFromMs: number;
  missed: number;
  deviceIds: string[];
}

const IDS_KEPT = 10;

export function combineLosses(entries: readonly SilentEntry[]): SubscriptionLoss[] {
  const byKey = new Map<string, SilentEntry>();
  for (const e of entries) {
    const key = `${e.group}\u0000${e.filter}`;
    const known = byKey.get(key);
    if (known === undefined) byKey.set(key, { ...e, deviceIds: e.deviceIds.slice(0, IDS_KEPT) });
    else {
      known.devices += e.devices;
      known.silentFromMs = Math.min(known.silentFromMs, e.silentFromMs);
      known.missed += e.missed;
      known.deviceIds = [...known.deviceIds, ...e.deviceIds].slice(0, IDS_KEPT);
    }
  }
  return [...byKey.values()].map((e) => ({
    group: e.group,
    filter: e.filter,
    devices: e.devices,
    silentFrom: new Date(e.silentFromMs).toISOString(),
    missedMessages: Math.round(e.missed),
    deviceIds: e.deviceIds,
  }));
}

/** A report's losses as entries again, to be joined with others'. */
export function entriesOf(losses: readonly SubscriptionLoss[]): SilentEntry[] {
  return losses.map((l) => ({
    group: l.group,
    filter: l.filter,
    devices: l.devices,
    silentFromMs: Date.parse(l.silentFrom),
    missed: l.missedMessages,
    deviceIds: l.deviceIds,
  }));
}

export function lossesField(entries: readonly SilentEntry[]): { subscriptionLosses?: SubscriptionLoss[] } {
  return entries.length === 0 ? {} : { subscriptionLosses: combineLosses(entries) };
}
