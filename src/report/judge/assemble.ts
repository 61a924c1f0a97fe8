/**
 * Builds a run's RunResult from what the coordinator gathered: its status, timings, merged
 * metrics sections, the generator's self-watch, the capacity steps and the thresholds, judged
 * here once on the whole run.
 */
import type { MetricsSnapshot } from '../../metrics/snapshot.js';
import type { RunPlan } from '../../scenario/run-plan.js';
import type { Threshold } from '../../scenario/threshold.js';
import { capacityVerdict } from './capacity.js';
import { assessGenerator } from './generator.js';
import {
  brokerMetricsOf,
  SCHEMA_VERSION,
  type BrokerSection,
  type CapacityStep,
  type EnvironmentInfo,
  type GeneratorProcess,
  type GeneratorWorker,
  type MetricsSection,
  type RunResult,
  type RunStatus,
  type ShardId,
  type StageRecord,
  type TimelinePoint,
  type ClockSection,
} from '../model/run-result.js';
import { evaluateThresholds, viewOfResult } from './thresholds.js';
import { thresholdFields } from './slice-thresholds.js';
import { lossesField, type SilentEntry } from './subscription-losses.js';
import { planShareOf } from './plan-share.js';
import { withPace } from './stage-pace.js';
import { withBehindPlan } from './trust.js';
import { shardShare, type ShardSpec } from '../../scenario/shard-spec.js';

export interface RunFacts {
  plan: RunPlan;
  /** The scenario file. */
  file: string;
  status: RunStatus;
  statusReason: string | undefined;
  environment: EnvironmentInfo;
  startedMs: number;
  endedMs: number;
  stages: StageRecord[];
  total: MetricsSection;
  groups: Record<string, MetricsSection>;
  timeline: TimelinePoint[];
  broker: { url: string; metrics: MetricsSnapshot | undefined };
  /** The harness's own load, when workers ran. */
  generator: { workers: GeneratorWorker[]; process: GeneratorProcess } | undefined;
  /** Which shard this is, when not the whole run. */
  shard: ShardSpec | undefined;
  /** The common start of `--start-at`, and how late this shard's first stage began after it. */
  startAt: { atMs: number; firstStageLateMs: number | undefined } | undefined;
  capacitySteps: readonly CapacityStep[];
  thresholds: readonly Threshold[];
  /** The abortOnFail threshold that stopped the run, if one did. */
  abortedBy: string | undefined;
  /** The run's id (src/coordinator/run-id.ts). */
  runId: string;
  /** Why the run did not happen though nothing crashed (a shard too late for --start-at). */
  notRun: string | undefined;
  /** Subscribers that went silent while their filters' traffic went on. */
  silentSubscribers: readonly SilentEntry[];
  /** Each worker's clock against the reference, in a run of several shards. */
  clock: ClockSection | undefined;
  /** The broker's CONNACK capabilities per URL and the first Reason Strings per reason (MQTT 5). */
  brokerNotes?: Pick<BrokerSection, 'capabilities' | 'reasonStrings'>;
}

export function assembleRunResult(facts: RunFacts): RunResult {
  const { plan, total, groups } = facts;
  const durationMs = facts.endedMs - facts.startedMs;
  const shard = shardField(facts);
  // A shard's planned actions and rate are its share of the plan's.
  const stages = withPace(plan, facts.stages, facts.shard === undefined ? 1 : shardShare(plan, facts.shard));
  return {
    schemaVersion: SCHEMA_VERSION,
    runId: facts.runId,
    status: facts.status,
    ...(facts.statusReason === undefined ? {} : { statusReason: facts.statusReason }),
    scenario: { name: plan.scenarioName, file: facts.file, plan },
    environment: facts.environment,
    ...(shard === undefined ? {} : { shard }),
    ...(facts.clock === undefined ? {} : { clock: facts.clock }),
    ...(facts.generator === undefined
      ? {}
      : { generator: withBehindPlan(assessGenerator(total, facts.generator.workers, facts.generator.process, plan.judgeGenerator), stages) }),
    startedAt: new Date(facts.startedMs).toISOString(),
    endedAt: new Date(facts.endedMs).toISOString(),
    durationMs,
    stages,
    total,
    groups,
    broker: {
      kind: plan.broker.kind === 'embedded' ? 'embedded' : 'external',
      url: facts.broker.url,
      ...(facts.broker.metrics === undefined ? {} : { metrics: brokerMetricsOf(facts.broker.metrics) }),
      ...(facts.brokerNotes?.capabilities === undefined ? {} : { capabilities: facts.brokerNotes.capabilities }),
      ...(facts.brokerNotes?.reasonStrings === undefined ? {} : { reasonStrings: facts.brokerNotes.reasonStrings }),
    },
    timeline: facts.timeline,
    ...(plan.capacity === null ? {} : { capacity: capacityVerdict(facts.capacitySteps) }),
    ...thresholdFields(facts.thresholds, facts.shard, () =>
      evaluateThresholds(facts.thresholds, viewOfResult({ total, groups, durationMs, stages })).map((o) =>
        o.expression === facts.abortedBy ? { ...o, note: 'crossed during the run; stopped it (abortOnFail)' } : o,
      ),
    ),
    ...lossesField(facts.silentSubscribers),
    planShare: { ...planShareOf(plan, total, facts.shard), ...(facts.notRun === undefined ? {} : { notRun: facts.notRun }) },
  };
}

/** Set on a shard of a distributed run, or on any run that waited for `--start-at`. */
function shardField(facts: RunFacts): ShardId | undefined {
  const { shard, startAt } = facts;
  if ((shard === undefined || shard.count === 1) && startAt === undefined) return undefined;
  return {
    ...(shard ?? { index: 0, count: 1 }),
    ...(startAt === undefined ? {} : { startAt: new Date(startAt.atMs).toISOString(), firstStageLateMs: startAt.firstStageLateMs ?? null }),
  };
}
