/**
 * A worker's devices once prepared, each beside its group's recorder, and the sessions they hold:
 * the state that the device lifecycle, the publisher and the token refresher share.
 */
import { Recorder } from '../metrics/recorder.js';
import type { GroupPlan } from '../scenario/run-plan.js';
import { itemAt } from '../util/item-at.js';
import type { PreparedDevice } from './devices.js';
import type { Session } from './engines/session-api.js';

/** A prepared device and the recorder of its group. */
export interface FleetDevice extends PreparedDevice {
  readonly recorder: Recorder;
}

export class Fleet {
  /** One per group, in plan order. */
  readonly recorders: readonly Recorder[];
  /** The session of each device that has one, by local index. */
  readonly sessions = new Map<number, Session>();
  /** Connections held right now. */
  connected = 0;
  /** Devices between the DISCONNECT and the CONNACK of a token refresh: already taken off `connected`. */
  readonly inRefresh = new Set<number>();
  #devices: FleetDevice[] = [];

  constructor(groups: readonly GroupPlan[]) {
    this.recorders = groups.map(() => new Recorder());
  }

  get devices(): readonly FleetDevice[] {
    return this.#devices;
  }

  recorder(groupIndex: number): Recorder {
    return itemAt(this.recorders, groupIndex);
  }

  /** Takes the devices once their keys and tokens are ready; local index = place in `prepared`. */
  setDevices(prepared: readonly PreparedDevice[]): void {
    this.#devices = prepared.map((device) => ({ ...device, recorder: this.recorder(device.assignment.groupIndex) }));
  }

  /** Device `index` of this worker (a local index, as the stage lists give them). */
  device(index: number): FleetDevice {
    return itemAt(this.#devices, index);
  }
}

/** A device's place within its group (0 for the group's first device). */
export function groupPosition(device: PreparedDevice): number {
  return device.assignment.globalIndex - device.group.firstIndex;
}
