/** What every part of a worker's run shares: its clock, plan, broker target and devices, and whether to stop. */
import type { RunPlan } from '../scenario/run-plan.js';
import type { Clock } from '../util/clock.js';
import type { ClockCorrection } from './clock-probe.js';
import type { Fleet } from './fleet.js';
import type { BrokerTarget } from './messages.js';
import type { PaceMeter } from './pace.js';
import type { BrokerNotes } from './broker-notes.js';

export interface WorkerContext {
  readonly clock: Clock;
  readonly plan: RunPlan;
  readonly target: BrokerTarget;
  readonly fleet: Fleet;
  /** The coordinator said stop: stages end early. */
  stopping(): boolean;
  /** Settles when the coordinator says stop, so a wait can end then without polling (absent in unit tests of single parts). */
  readonly stopped?: Promise<void>;
  /** The task is over: background work (refreshes, reconnects) ends. */
  finished(): boolean;
  /** Counts planned actions and how late the last went out (absent in unit tests of single parts). */
  readonly pace?: PaceMeter;
  /** Reference minus local time: added to payload send times and to receipts (clock-probe.ts); absent: 0. */
  readonly clockCorrection?: ClockCorrection;
  /** Reason Strings and the broker's capabilities, for the report (absent in unit tests of single parts). */
  readonly notes?: BrokerNotes;
}
