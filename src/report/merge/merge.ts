/**
 * Merging RunResults (the shards of one distributed run): histograms are added, counters
 * summed, timelines lined up on wall-clock seconds, thresholds evaluated again on the whole.
 * Pure: the CLI reads and writes the files.
 */
import { ConfigError } from '../../errors.js';
import { MetricsTotals } from '../../metrics/snapshot.js';
import type { MetricsSnapshot } from '../../metrics/snapshot.js';
import type { Threshold } from '../../scenario/threshold.js';
import { metricsSection, SCHEMA_VERSION, type MetricsSection, type RunResult, type RunStatus, type ShardsInfo, type StageRecord } from '../model/run-result.js';
import { evaluateThresholds, viewOfResult } from '../judge/thresholds.js';
import { capacityVerdict, judgeStep } from '../judge/capacity.js';
import { mergeTimelines } from './merge-timeline.js';
import { ERRORS_PREFIX } from '../../metrics/metric-names.js';
import { itemAt } from '../../util/item-at.js';
import { checkOneRun } from './merge-checks.js';
import { didNotRun, planShareOf } from '../judge/plan-share.js';
import { concludeRun } from '../judge/verdict.js';
import { entriesOf, lossesField } from '../judge/subscription-losses.js';
import { mergeGenerators } from './merge-generator.js';
import { withPace } from '../judge/stage-pace.js';
import { withBehindPlan } from '../judge/trust.js';

export interface MergeInput {
  /** Names the input in errors and in `shards.sources`. */
  file: string;
  result: RunResult;
}

export function mergeResults(inputs: readonly MergeInput[]): RunResult {
  if (inputs.length === 0) throw new ConfigError('merge: name at least one report');
  checkCompatible(inputs);
  const results = inputs.map((i) => i.result);
  const first = itemAt(results, 0);
  const startMs = Math.min(...results.map((r) => Date.parse(r.startedAt)));
  const endMs = Math.max(...results.map((r) => Date.parse(r.endedAt)));
  const total = addSections(results.map((r) => r.total));
  const groups = mapGroups(results.map((r) => r.groups));
  // A shard that did not happen (too late for --start-at, nothing connected) is no crash: the whole
  // run is judged again on the share of its plan that ran.
  const statuses = results.map((r) => (r.status === 'failed' && didNotRun(r) ? 'complete' : r.status));
  const status: RunStatus = statuses.includes('failed') ? 'failed' : statuses.includes('interrupted') ? 'interrupted' : 'complete';
  const reasons = inputs.filter((i) => i.result.statusReason !== undefined).map((i) => `${i.file}: ${i.result.statusReason ?? ''}`);
  const brokerSections = results.flatMap((r) => (r.broker.metrics === undefined ? [] : [{ ...r.broker.metrics, connectFailures: {}, errors: {} }]));
  const broker = brokerSections.length === 0 ? undefined : addSections(brokerSections);
  const stages = withPace(first.scenario.plan, mergeStages(results), mergedShare(first, total));
  const generator = withBehindPlan(
    mergeGenerators(inputs.map((input, i) => ({ shard: input.result.shard?.index ?? i, generator: input.result.generator }))),
    stages,
  );
  // Every shard's workers' clocks, each with its shard: what its cross-shard latencies were corrected by.
  const clockWorkers = inputs.flatMap((input, i) => (input.result.clock?.workers ?? []).map((w) => ({ ...w, shard: input.result.shard?.index ?? i })));
  const merged: RunResult = {
    schemaVersion: SCHEMA_VERSION,
    ...(first.runId === undefined ? {} : { runId: first.runId }),
    status,
    ...(reasons.length > 0 ? { statusReason: reasons.join('; ') } : {}),
    scenario: first.scenario,
    environment: first.environment,
    ...(generator === undefined ? {} : { generator }),
    ...(clockWorkers.length === 0 ? {} : { clock: { workers: clockWorkers } }),
    startedAt: new Date(startMs).toISOString(),
    endedAt: new Date(endMs).toISOString(),
    durationMs: endMs - startMs,
    stages,
    total,
    groups,
    broker: {
      kind: first.broker.kind,
      url: first.broker.url,
      ...(broker === undefined ? {} : { metrics: { counters: broker.counters, histograms: broker.histograms } }),
      ...announcedBy(results),
    },
    timeline: mergeTimelines(
      results.map((r) => ({ startedAt: r.startedAt, timeline: r.timeline })),
      startMs,
    ),
    thresholds: [],
    shards: shardsInfo(inputs),
  };
  merged.thresholds = evaluateThresholds(uniqueThresholds(results), viewOfResult(merged));
  // Capacity steps are judged again on the merged stages: every shard carried its share of each rate.
  if (first.capacity !== undefined && (first.scenario.plan.capacity ?? null) !== null) {
    merged.capacity = capacityVerdict(merged.stages.flatMap((record) => judgeStep(first.scenario.plan, record) ?? []));
  }
  merged.planShare = planShareOf(first.scenario.plan, total);
  Object.assign(merged, lossesField(results.flatMap((r) => entriesOf(r.subscriptionLosses ?? []))));
  return concludeRun(merged, { slice: false });
}

/** The part of the plan's devices the merged shards held (1 when every shard is present). */
function mergedShare(first: RunResult, total: MetricsSection): number {
  const planned = first.scenario.plan.groups.reduce((n, g) => n + g.count, 0);
  const held = total.counters['devices'] ?? planned;
  return planned === 0 ? 1 : Math.min(1, held / planned);
}

function checkCompatible(inputs: readonly MergeInput[]): void {
  const first = itemAt(inputs, 0);
  checkScenarios(inputs, first);
  checkOneRun(inputs);
}

function checkScenarios(inputs: readonly MergeInput[], first: MergeInput): void {
  for (const input of inputs) {
    // Widened to number: the file may hold any version, whatever the type of a current report says.
    const version: number = input.result.schemaVersion;
    if (version !== SCHEMA_VERSION) {
      throw new ConfigError(`${input.file}: schemaVersion ${version}, but this version of mqtt-jwt-bench merges ${SCHEMA_VERSION}`, {
        hint: 'Merge reports written by the same version of mqtt-jwt-bench.',
      });
    }
    const a = scenarioShape(first.result);
    const b = scenarioShape(input.result);
    if (a !== b) {
      throw new ConfigError(`${input.file}: a different scenario from ${first.file} (${b} vs ${a}); only shards of one scenario merge`);
    }
  }
}

/** What must agree for reports to be parts of one run: the name, the groups, the stages. */
function scenarioShape(result: RunResult): string {
  const plan = result.scenario.plan;
  return `"${result.scenario.name}": groups ${plan.groups.map((g) => g.name).join(',')}; stages ${plan.stages.map((s) => s.type).join(',')}`;
}

function shardsInfo(inputs: readonly MergeInput[]): ShardsInfo {
  const withIds = inputs.map((input, i) => ({ input, shard: input.result.shard ?? { index: i, count: inputs.length } }));
  const count = Math.max(...withIds.map((w) => w.shard.count));
  const present = withIds.map((w) => w.shard.index);
  const duplicate = present.find((index, i) => present.indexOf(index) !== i);
  if (duplicate !== undefined)
    throw new ConfigError(
      `merge: shard ${duplicate} is given twice (${withIds
        .filter((w) => w.shard.index === duplicate)
        .map((w) => w.input.file)
        .join(', ')})`,
    );
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !present.includes(i));
  return {
    count,
    present: [...present].sort((a, b) => a - b),
    missing,
    sources: withIds.map((w) => ({ shard: w.shard.index, status: w.input.result.status, startedAt: w.input.result.startedAt, file: w.input.file })),
  };
}

/** Adds sections exactly: counters summed, histograms added bucket by bucket. */
export function addSections(sections: readonly MetricsSection[]): MetricsSection {
  const totals = new MetricsTotals();
  for (const section of sections) totals.add(sectionSnapshot(section));
  return metricsSection(totals);
}

function sectionSnapshot(section: MetricsSection): MetricsSnapshot {
  const counters: Record<string, number> = { ...section.counters };
  for (const [k, v] of Object.entries(section.connectFailures)) counters[`connectFailed.${k}`] = v;
  for (const [k, v] of Object.entries(section.errors)) counters[`${ERRORS_PREFIX}${k}`] = v;
  const histograms: Record<string, string> = {};
  for (const [name, h] of Object.entries(section.histograms)) histograms[name] = h.encoded;
  return { counters, histograms };
}

function mapGroups(all: readonly Record<string, MetricsSection>[]): Record<string, MetricsSection> {
  const names = [...new Set(all.flatMap((groups) => Object.keys(groups)))];
  return Object.fromEntries(names.map((name) => [name, addSections(all.flatMap((groups) => (groups[name] === undefined ? [] : [groups[name]])))]));
}

function mergeStages(results: readonly RunResult[]): Omit<StageRecord, 'pace'>[] {
  const byIndex = new Map<number, StageRecord[]>();
  for (const r of results) for (const s of r.stages) byIndex.set(s.index, [...(byIndex.get(s.index) ?? []), s]);
  return [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, parts]) => {
      const startMs = Math.min(...parts.map((p) => Date.parse(p.startedAt)));
      const endMs = Math.max(...parts.map((p) => Date.parse(p.endedAt)));
      return {
        index,
        type: itemAt(parts, 0).type,
        startedAt: new Date(startMs).toISOString(),
        endedAt: new Date(endMs).toISOString(),
        durationMs: endMs - startMs,
        total: addSections(parts.map((p) => p.total)),
        groups: mapGroups(parts.map((p) => p.groups)),
      };
    });
}

function uniqueThresholds(results: readonly RunResult[]): Threshold[] {
  const seen = new Map<string, Threshold>();
  for (const r of results) {
    // A shard records its thresholds unjudged; reports of older versions judged them on their slice.
    for (const o of [...(r.unjudgedThresholds ?? []), ...r.thresholds]) {
      const key = `${o.source}\u0000${o.expression}`;
      if (!seen.has(key))
        seen.set(key, {
          expression: o.expression,
          source: o.source,
          metric: o.metric,
          group: o.group,
          aggregate: o.aggregate,
          op: o.op,
          limit: o.limit,
          abortOnFail: o.abortOnFail,
        });
    }
  }
  return [...seen.values()];
}

/** Every shard's broker capabilities (per URL, the first shard's where they overlap) and Reason Strings, 3 per reason. */
function announcedBy(results: readonly RunResult[]): Pick<RunResult['broker'], 'capabilities' | 'reasonStrings'> {
  const capabilities: NonNullable<RunResult['broker']['capabilities']> = {};
  const reasonStrings: Record<string, string[]> = {};
  for (const r of results) {
    for (const [url, c] of Object.entries(r.broker.capabilities ?? {})) capabilities[url] ??= c;
    for (const [reason, texts] of Object.entries(r.broker.reasonStrings ?? {})) {
      const kept = (reasonStrings[reason] ??= []);
      for (const text of texts) if (kept.length < 3 && !kept.includes(text)) kept.push(text);
    }
  }
  return {
    ...(Object.keys(capabilities).length === 0 ? {} : { capabilities }),
    ...(Object.keys(reasonStrings).length === 0 ? {} : { reasonStrings }),
  };
}
