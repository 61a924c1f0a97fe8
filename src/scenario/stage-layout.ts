/**
 * A stage's global order of devices: where each device of each group stands among all the devices
 * the stage covers. Connect schedules place device k of that order at `start + k / rate`, and
 * publish schedules spread phases by it, so the order decides who meets which conditions.
 */
export type StageOrder = 'grouped' | 'interleaved';

export interface LayoutGroup {
  name: string;
  count: number;
}

export interface StageLayout {
  /** Devices the stage covers. */
  total: number;
  /** The place of device `localIndex` of group `groupIndex`, or undefined when the stage skips that group. */
  positionOf(groupIndex: number, localIndex: number): number | undefined;
}

/**
 * `grouped`: each group's devices after the previous group's, in the scenario's order.
 * `interleaved`: round robin, one device of each group in turn (a0 b0 a1 b1 …), so groups of
 * equal size alternate exactly; when sizes differ, the larger groups' surplus comes last.
 */
export function stageLayout(groups: readonly LayoutGroup[], stageGroups: readonly string[], order: StageOrder = 'grouped'): StageLayout {
  const members = groups.map((g, i) => ({ index: i, count: g.count })).filter((_, i) => stageGroups.includes((groups[i] as LayoutGroup).name));
  const total = members.reduce((n, m) => n + m.count, 0);
  const rank = new Map(members.map((m, r) => [m.index, r]));
  if (order === 'grouped') {
    const offsets = new Map<number, number>();
    let offset = 0;
    for (const m of members) {
      offsets.set(m.index, offset);
      offset += m.count;
    }
    return { total, positionOf: (g, local) => (offsets.has(g) ? (offsets.get(g) as number) + local : undefined) };
  }
  return {
    total,
    positionOf: (g, local) => {
      const r = rank.get(g);
      if (r === undefined) return undefined;
      // Every device of an earlier round, then the groups ahead of this one in this round.
      let position = 0;
      members.forEach((m, j) => {
        position += Math.min(m.count, local) + (j < r && m.count > local ? 1 : 0);
      });
      return position;
    },
  };
}
