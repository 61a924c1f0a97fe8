/**
 * Which of a worker's devices take part in a stage, and their places in the stage's global order,
 * sorted by place. The schedules yield events in the order of this list and only sleep forward,
 * so a list out of order would fire the late part of it all at once (an interleaved stage lists a
 * worker's devices group by group, but places them alternately).
 */
import type { StageLayout } from '../../scenario/stage-layout.js';

export interface StageMember {
  groupIndex: number;
  /** The device's index within its group. */
  localIndex: number;
}

export interface StageDevices {
  /** Indices into the worker's device list, by ascending position. */
  indices: number[];
  positions: number[];
  total: number;
}

export function stageDevices(devices: readonly StageMember[], layout: StageLayout): StageDevices {
  const members: { index: number; position: number }[] = [];
  devices.forEach((device, index) => {
    const position = layout.positionOf(device.groupIndex, device.localIndex);
    if (position !== undefined) members.push({ index, position });
  });
  members.sort((a, b) => a.position - b.position);
  return { indices: members.map((m) => m.index), positions: members.map((m) => m.position), total: layout.total };
}
