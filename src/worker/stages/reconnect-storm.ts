/**
 * A reconnect storm: a share of the stage's connected devices lose their connections abruptly
 * (the socket is reset, no DISCONNECT, as when a network or a load balancer fails), then come
 * back at a rate. Which devices drop is decided by position, so every worker and shard agrees
 * and the dropped ones are spread evenly over the fleet.
 */
import type { StagePlan } from '../../scenario/run-plan.js';
import { isDropped } from '../../scenario/plan-stages.js';
import type { Clock } from '../../util/clock.js';
import type { PaceMeter } from '../pace.js';
import { runArrivals } from './arrivals.js';

export type ReconnectStormStage = Extract<StagePlan, { type: 'reconnect-storm' }>;

/** What the storm needs of the worker that holds the sessions. */
export interface StormHost {
  /** Drops the device's connection abruptly; false when it was not connected. */
  drop(index: number): Promise<boolean>;
  /** Connects the device again; `droppedAtMs` starts its downtime. */
  reconnect(index: number, droppedAtMs: number): Promise<void>;
}

/**
 * The dropped device at `position` comes back as number floor((position + 1)·percent / 100) − 1
 * of the storm: isDropped marks exactly the positions where that number grows, so it is unique.
 */
export function stormRank(position: number, percent: number): number {
  return Math.floor(((position + 1) * percent) / 100) - 1;
}

export async function runReconnectStorm(
  stage: ReconnectStormStage,
  indices: readonly number[],
  positions: readonly number[],
  startAtMs: number,
  host: StormHost,
  clock: Clock,
  shouldStop: () => boolean,
  pace?: PaceMeter,
): Promise<void> {
  const chosen = indices.map((index, i) => ({ index, position: positions[i] as number })).filter((d) => isDropped(d.position, stage.percent));
  const droppedAt = new Map<number, number>();
  await Promise.all(
    chosen.map(async (d) => {
      if (await host.drop(d.index)) droppedAt.set(d.index, clock.nowMs());
    }),
  );
  const back = chosen.filter((d) => droppedAt.has(d.index));
  await runArrivals(
    startAtMs,
    { ratePerSec: stage.ratePerSec, ramp: null },
    back.map((d) => stormRank(d.position, stage.percent)),
    clock,
    (i) => {
      const index = (back[i] as { index: number }).index;
      return host.reconnect(index, droppedAt.get(index) as number);
    },
    shouldStop,
    pace,
  );
}
