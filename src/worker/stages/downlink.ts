/**
 * Downlinks from a backend client: which of this worker's backend sessions sends to which
 * receiving device. Receiver k (in the stage's global order) is served by backend client
 * k mod B, so B backend clients share the work evenly, and each receiver gets its messages from
 * exactly one of them, wherever (in whichever worker or shard) that client lives.
 */
import { deviceId, planStageLayout } from '../../scenario/plan.js';
import type { RunPlan, StagePlan } from '../../scenario/run-plan.js';
import type { PreparedDevice } from '../devices.js';

export type DownlinkStage = Extract<StagePlan, { type: 'downlink' }>;

export interface DownlinkRoutes {
  /** Per route: the local index of the sending backend device. */
  senders: number[];
  /** Per route: the receiver's place in the stage's global order. */
  positions: number[];
  /** Per route: the receiver's device id. */
  targetIds: string[];
  /** Receivers in the whole stage. */
  total: number;
}

export function downlinkRoutes(plan: RunPlan, stage: DownlinkStage, devices: readonly PreparedDevice[]): DownlinkRoutes {
  const from = plan.groups.find((g) => g.name === stage.from);
  const routes: DownlinkRoutes = { senders: [], positions: [], targetIds: [], total: 0 };
  if (from === undefined) return routes;
  const backends = new Map<number, number>();
  devices.forEach((d, i) => {
    if (d.group.name === from.name) backends.set(d.assignment.globalIndex - from.firstIndex, i);
  });
  const layout = planStageLayout(plan, stage);
  routes.total = layout.total;
  if (backends.size === 0) return routes;
  plan.groups.forEach((group, g) => {
    for (let local = 0; local < group.count; local++) {
      const position = layout.positionOf(g, local);
      if (position === undefined) return;
      const sender = backends.get(position % from.count);
      if (sender === undefined) continue;
      routes.senders.push(sender);
      routes.positions.push(position);
      routes.targetIds.push(deviceId(group, local));
    }
  });
  return routes;
}

/** The payload of a backend downlink: its send time, for the receiver's `downlinkUs`, as the embedded broker's are. */
export function downlinkPayload(seq: number, sentMs: number): string {
  return `{"ts":${Math.round(sentMs)},"seq":${seq}}`;
}
