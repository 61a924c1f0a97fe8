/**
 * What a stage plans to do, in numbers: how many actions (connects, disconnects, comebacks,
 * messages), over how long, at what rate. Pure; the report sets the achieved figures beside these
 * (src/report/judge/stage-pace.ts), and `validate`'s words come from the same arrival arithmetic.
 */
import { arrivalDurationMs, type ArrivalPlan } from './arrival.js';
import { planStageLayout } from './plan.js';
import type { RunPlan, StagePlan } from './run-plan.js';
import { isDropped } from './plan-stages.js';

export interface PlannedPace {
  /** Actions the stage fires over the whole run. */
  actions: number;
  /** From the stage's start to the slot after its last action (a hold's or pause's length). */
  durationMs: number;
  /** actions ÷ duration; null when everything goes at once or nothing is fired. */
  ratePerSec: number | null;
  /** Whether the stage fires actions on a schedule (false: subscribe, hold, pause). */
  paced: boolean;
}

export function plannedPace(plan: Pick<RunPlan, 'groups'>, stage: StagePlan): PlannedPace {
  const devices = planStageLayout(plan, stage).total;
  switch (stage.type) {
    case 'connect':
      return arrivals(devices, stage);
    case 'disconnect':
      return arrivals(devices, { ratePerSec: stage.ratePerSec, ramp: null });
    case 'reconnect-storm': {
      let dropped = 0;
      for (let p = 0; p < devices; p++) if (isDropped(p, stage.percent)) dropped++;
      return arrivals(dropped, { ratePerSec: stage.ratePerSec, ramp: null });
    }
    case 'publish':
    case 'downlink': {
      const durationMs = (stage.countPerDevice / stage.ratePerDevicePerSec) * 1000;
      return { actions: devices * stage.countPerDevice, durationMs, ratePerSec: devices * stage.ratePerDevicePerSec, paced: devices > 0 };
    }
    case 'subscribe':
      return { actions: devices, durationMs: 0, ratePerSec: null, paced: false };
    case 'drop': {
      let dropped = 0;
      for (let p = 0; p < devices; p++) if (isDropped(p, stage.percent)) dropped++;
      return { actions: dropped, durationMs: 0, ratePerSec: null, paced: false };
    }
    case 'hold':
    case 'pause':
      return { actions: 0, durationMs: stage.durationMs, ratePerSec: null, paced: false };
  }
}

function arrivals(count: number, arrival: ArrivalPlan): PlannedPace {
  const durationMs = arrivalDurationMs(count, arrival);
  return { actions: count, durationMs, ratePerSec: durationMs > 0 ? count / (durationMs / 1000) : null, paced: count > 0 };
}
