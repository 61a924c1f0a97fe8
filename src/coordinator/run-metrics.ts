/**
 * Everything the coordinator accumulates from worker snapshots: totals per group, the workers'
 * own figures (event-loop delay), the same again per stage, and the per-second timeline.
 */
import { MetricsTotals } from '../metrics/snapshot.js';
import { metricsSection, type MetricsSection, type StageRecord } from '../report/run-result.js';
import type { MetricsView, SectionView } from '../report/thresholds.js';
import type { RunPlan } from '../scenario/plan.js';
import type { WorkerSnapshot } from '../worker/messages.js';
import { TimelineBuilder } from './timeline.js';
import { itemAt } from '../util/item-at.js';
import type { SilentEntry } from '../report/subscription-losses.js';

interface Totals {
  groups: MetricsTotals[];
  harness: MetricsTotals;
}

export type StageTiming = Omit<StageRecord, 'total' | 'groups'>;

export class RunMetrics {
  readonly #plan: RunPlan;
  readonly #run: Totals;
  readonly #stages = new Map<number, Totals>();
  readonly #timeline: TimelineBuilder;
  readonly #silent: SilentEntry[] = [];

  constructor(plan: RunPlan, startMs: number) {
    this.#plan = plan;
    this.#run = this.#emptyTotals();
    this.#timeline = new TimelineBuilder(startMs);
  }

  add(snapshot: WorkerSnapshot): void {
    let stage = this.#stages.get(snapshot.stageIndex);
    if (stage === undefined && snapshot.stageIndex >= 0) this.#stages.set(snapshot.stageIndex, (stage = this.#emptyTotals()));
    for (const totals of stage === undefined ? [this.#run] : [this.#run, stage]) {
      this.#plan.groups.forEach((group, g) => {
        const groupSnapshot = snapshot.groups[group.name];
        if (groupSnapshot !== undefined) totals.groups[g]?.add(groupSnapshot);
      });
      totals.harness.add(snapshot.harness);
    }
    this.#timeline.add(snapshot);
    for (const s of snapshot.silentSubscribers ?? []) this.#silent.push({ group: s.group, filter: s.filter, devices: 1, silentFromMs: s.silentFromMs, missed: s.missed, deviceIds: [s.deviceId] });
  }

  /** Subscribers that went silent while their filters' traffic went on. */
  silentSubscribers(): readonly SilentEntry[] {
    return this.#silent;
  }

  /** The run so far over all groups, with the workers' own figures. */
  total(): MetricsTotals {
    return sumOf(this.#run);
  }

  totalSection(): MetricsSection {
    return metricsSection(this.total());
  }

  groupSections(): Record<string, MetricsSection> {
    return sectionsByGroup(this.#plan, this.#run);
  }

  stageRecords(timings: readonly StageTiming[]): StageRecord[] {
    return timings.map((timing) => this.stageRecord(timing));
  }

  /** What was recorded while one stage ran, so far. */
  stageRecord(timing: StageTiming): StageRecord {
    const totals = this.#stages.get(timing.index) ?? this.#emptyTotals();
    return { ...timing, total: metricsSection(sumOf(totals)), groups: sectionsByGroup(this.#plan, totals) };
  }

  finishTimeline(): ReturnType<TimelineBuilder['finish']> {
    return this.#timeline.finish();
  }

  /** A live view for thresholds evaluated during the run (abortOnFail). */
  liveView(elapsedMs: number): MetricsView {
    const total = this.total();
    return {
      durationSec: elapsedMs / 1000,
      section: (group) => {
        if (group === null) return viewOfTotals(total);
        const g = this.#plan.groups.findIndex((p) => p.name === group);
        return g < 0 ? undefined : viewOfTotals(itemAt(this.#run.groups, g));
      },
    };
  }

  #emptyTotals(): Totals {
    return { groups: this.#plan.groups.map(() => new MetricsTotals()), harness: new MetricsTotals() };
  }
}

function sumOf(totals: Totals): MetricsTotals {
  const sum = new MetricsTotals();
  for (const group of totals.groups) sum.addTotals(group);
  sum.addTotals(totals.harness);
  return sum;
}

function sectionsByGroup(plan: RunPlan, totals: Totals): Record<string, MetricsSection> {
  const sections: Record<string, MetricsSection> = {};
  plan.groups.forEach((group, g) => {
    sections[group.name] = metricsSection(itemAt(totals.groups, g));
  });
  return sections;
}

function viewOfTotals(totals: MetricsTotals): SectionView {
  return {
    counter: (name) => totals.counter(name),
    counterNames: () => Object.keys(totals.counters),
    histogram: (name) => [...totals.histograms()].find(([n]) => n === name)?.[1],
  };
}
