/** Runs one stage of the plan on a worker's devices: which part does what for each stage type. */
import { planStageLayout } from '../../scenario/plan.js';
import type { StagePlan } from '../../scenario/run-plan.js';
import { itemAt } from '../../util/item-at.js';
import { renderTemplate } from '../../util/template.js';
import type { DeviceLifecycle } from './device-lifecycle.js';
import { groupPosition } from '../fleet.js';
import type { MessageOf, Publisher } from './publisher.js';
import { stageDevices, type StageDevices } from './stage-devices.js';
import { runArrivals } from './arrivals.js';
import { downlinkPayload, downlinkRoutes } from './downlink.js';
import { runReconnectStorm } from './reconnect-storm.js';
import { isDropped } from '../../scenario/plan-stages.js';
import type { WorkerContext } from '../worker-context.js';

/** How long a hold or pause sleeps between looks at a stop. */
const STOP_POLL_MS = 100;

export interface StageParts {
  ctx: WorkerContext;
  lifecycle: DeviceLifecycle;
  publisher: Publisher;
}

export async function dispatchStage(stage: StagePlan, startAtMs: number, parts: StageParts): Promise<void> {
  const { ctx, lifecycle, publisher } = parts;
  const { clock, plan } = ctx;
  const stopping = (): boolean => ctx.stopping();
  const { indices, positions, total } = devicesOfStage(ctx, stage);
  switch (stage.type) {
    case 'connect':
      return runArrivals(startAtMs, stage, positions, clock, (i) => lifecycle.connect(itemAt(indices, i), startAtMs), stopping, ctx.pace);
    case 'publish':
      return publisher.publish(stage, { senders: indices, positions, total }, startAtMs);
    case 'subscribe':
      await Promise.all(indices.map((index) => lifecycle.subscribe(stage, index)));
      return;
    case 'hold':
    case 'pause':
      return sleepUnlessStopped(ctx, startAtMs + stage.durationMs - clock.nowMs());
    case 'disconnect':
      if (stage.ratePerSec === null) return lifecycle.disconnect(indices);
      return runArrivals(
        startAtMs,
        { ratePerSec: stage.ratePerSec, ramp: null },
        positions,
        clock,
        (i) => lifecycle.disconnect([itemAt(indices, i)]),
        stopping,
        ctx.pace,
      );
    case 'downlink': {
      const routes = downlinkRoutes(plan, stage, ctx.fleet.devices);
      const message: MessageOf = (route, seq, sentMs) => ({
        topic: renderTemplate(stage.topicTemplate, { deviceId: itemAt(routes.targetIds, route) }),
        payload: downlinkPayload(seq, sentMs),
      });
      return publisher.publish(stage, routes, startAtMs, message);
    }
    case 'drop':
      return lifecycle.dropForGood(indices.filter((_, i) => isDropped(itemAt(positions, i), stage.percent)));
    case 'reconnect-storm':
      return runReconnectStorm(stage, indices, positions, startAtMs, lifecycle.storm, clock, stopping, ctx.pace);
  }
}

/** This worker's devices in `stage`, by their positions in the stage's global order. */
function devicesOfStage(ctx: WorkerContext, stage: StagePlan): StageDevices {
  const members = ctx.fleet.devices.map((d) => ({ groupIndex: d.assignment.groupIndex, localIndex: groupPosition(d) }));
  return stageDevices(members, planStageLayout(ctx.plan, stage));
}

/**
 * A hold: one timer for the whole stage, ended early by a stop, so a held fleet wakes its worker
 * for nothing (a poll every 100 ms cost each idle worker more than its keepalive sweep). Without
 * the stop signal (unit tests of single parts), a poll.
 */
async function sleepUnlessStopped(ctx: WorkerContext, ms: number): Promise<void> {
  const { clock } = ctx;
  const endMs = clock.nowMs() + ms;
  if (ctx.stopped !== undefined) {
    if (!ctx.stopping() && ms > 0) await Promise.race([clock.sleepMs(ms), ctx.stopped]);
    return;
  }
  while (!ctx.stopping() && clock.nowMs() < endMs) {
    await clock.sleepMs(Math.min(STOP_POLL_MS, endMs - clock.nowMs()));
  }
}
