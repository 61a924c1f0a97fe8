/* eslint-disable max-lines -- the whole report format, one field after another with its description */
/**
 * The RunResult's one definition: a validator, from which the types (run-result.ts) are inferred.
 * `report`, `compare` and `merge` check every file they read with it, and
 * docs/run-result.schema.json is generated from it (`npm run schema`), so the documented format,
 * the checked one and the one the code builds cannot drift. The resolved plan is checked only as
 * far as merging needs (its name, groups and stages); the rest passes through as `run` wrote it.
 *
 * Longer than 300 lines on purpose: it is the whole report format, one field after another with
 * its description, and splitting one schema over files would scatter the format's one definition.
 */
import { z } from 'zod';
import type { UnrepresentableHandler } from 'zod/v4/core';
import type { RunPlan } from '../../scenario/run-plan.js';

/** 2: per-stage sections, richer timeline, thresholds, shards, event-loop delay. */
export const SCHEMA_VERSION = 2;

const count = z.number().int().min(0);
const counts = z.record(z.string(), count);
export const histogramSummarySchema = z.strictObject({
  count,
  min: z.number(),
  mean: z.number(),
  p50: z.number(),
  p90: z.number(),
  p99: z.number(),
  p999: z.number(),
  max: z.number(),
});
export const histogramReportSchema = z.strictObject({
  summary: histogramSummarySchema.describe('Microseconds, except count.'),
  encoded: z.string().describe('HdrHistogram compressed V2 encoding, base64; microseconds.'),
});
export const metricsSectionSchema = z
  .strictObject({
    /** Plain counters: devices, keysGenerated, tokensSigned, connectAttempts, connected, ... */
    counters: counts,
    /** Connect failures by reason (CONNACK code name or socket error code). */
    connectFailures: counts,
    /** Errors by kind: connection-lost, not-connected, publish-failed, ack-timeout, ... */
    errors: counts,
    /** Microseconds. */
    histograms: z.record(z.string(), histogramReportSchema),
  })
  .describe('Counters, failures by reason, errors by kind, histograms by name.');
const time = z.iso.datetime();

export const timelinePointSchema = z.strictObject({
  second: count.describe('Seconds since the start.'),
  connects: count,
  connectFailures: count,
  published: count,
  acked: count,
  errors: count,
  connected: count,
  /** Messages sent and not yet acknowledged at the second's end. */
  inFlight: count,
  publishAckP50Us: z.number(),
  publishAckP99Us: z.number(),
  /** That second's publish → ack histogram (encoded), so merged timelines stay exact. */
  publishAckEncoded: z.string().optional(),
  /** Connections lost (errors.connection-lost) or dropped by a reconnect storm in this second; absent when none. */
  lost: count.optional(),
  /** Devices back after a loss or a storm drop in this second; absent when none. */
  reconnects: count.optional(),
  /** Token refreshes in this second, by reconnect and by re-authentication (AUTH); absent when none. */
  refreshes: count.optional(),
});

/** A stage's plan beside what happened (src/report/judge/stage-pace.ts). */
export const stagePaceSchema = z
  .strictObject({
    /** This report's part of the plan: the whole run, or a shard's share of actions and rate. */
    planned: z.strictObject({ actions: count, durationMs: z.number().min(0), ratePerSec: z.number().min(0).nullable() }),
    /** Actions fired; the stage's measured duration; actions ÷ the span over which they went out (null: not a paced stage). */
    achieved: z.strictObject({ actions: count, durationMs: z.number().min(0), ratePerSec: z.number().min(0).nullable() }),
    lastActionLateMs: z
      .number()
      .min(0)
      .nullable()
      .describe('How late against its plan the last action went out (the latest worker); null when the stage fires none.'),
    achievedRatio: z
      .number()
      .min(0)
      .nullable()
      .describe('Achieved ÷ planned rate: (actions fired ÷ planned) × planned duration ÷ (planned duration + lastActionLateMs); null when not paced.'),
    behindPlan: z.boolean().describe('achievedRatio < 0.95 and the last action more than 1 s late.'),
  })
  .describe("Planned against achieved: this report's part of the plan beside what happened.");

export const stageRecordSchema = z.strictObject({
  index: count,
  type: z.string(),
  startedAt: time,
  endedAt: time,
  durationMs: z.number(),
  /** What was recorded while this stage ran, over all groups. */
  total: metricsSectionSchema,
  groups: z.record(z.string(), metricsSectionSchema),
  /** Planned against achieved (absent from reports written before it was recorded). */
  pace: stagePaceSchema.optional(),
});

const aggregate = z.union([
  z.strictObject({ kind: z.literal('percentile'), percentile: z.number().min(0).max(100) }),
  z.strictObject({ kind: z.enum(['avg', 'min', 'max', 'count', 'rate', 'error_rate']) }),
]);
/** A threshold as parsed, with its verdict. */
export const thresholdOutcomeSchema = z.strictObject({
  expression: z.string(),
  source: z.enum(['scenario', 'cli']),
  metric: z.string().nullable(),
  group: z.string().nullable(),
  aggregate,
  op: z.enum(['<', '<=', '>', '>=', '==', '!=']),
  limit: z.number().describe('µs for latencies, per second for rates, a fraction for error rates, else a count.'),
  abortOnFail: z.boolean(),
  passed: z.boolean(),
  /** The measured value in the limit's unit (µs, /s, fraction, count); null when there was no data. */
  actual: z.number().nullable(),
  /** Why there is no value, or that the run was stopped by this threshold. */
  note: z.string().optional(),
});

/** A threshold as parsed, not yet judged: what a shard records for `merge` to judge on the whole. */
export const unjudgedThresholdSchema = z.strictObject({
  expression: z.string(),
  source: z.enum(['scenario', 'cli']),
  metric: z.string().nullable(),
  group: z.string().nullable(),
  aggregate,
  op: z.enum(['<', '<=', '>', '>=', '==', '!=']),
  limit: z.number().describe('µs for latencies, per second for rates, a fraction for error rates, else a count.'),
  abortOnFail: z.boolean(),
});

/** How much of its plan a run carried out; `notRun` when it counts as not having happened (exit 5). */
export const planShareSchema = z.strictObject({
  devicesPlanned: count,
  devicesConnected: count,
  /** Messages the publish stages plan for these devices. */
  messagesPlanned: count,
  /** Messages sent (`published`). */
  messagesSent: count,
  /** Of those, refused (`refused`: by the broker's reason code or its limits), so not delivered; absent in older reports. */
  messagesRefused: count.optional(),
  minSentPercent: z.number().min(0).max(100),
  expect: z.enum(['delivery', 'refusals']),
  /** Why the run did not happen: no device connected, too little sent, or a shard that started too late. */
  notRun: z.string().optional(),
});

export const caveatKindSchema = z.enum(['missing-shards', 'interrupted', 'connections-lost', 'subscription-lost', 'clock-uncertain']);
/** What a reader must know beside the status: shown in the summary's first line and the HTML badge. */
export const caveatSchema = z.strictObject({
  kind: caveatKindSchema,
  /** A few words for the badge: `1 shard missing`, `33% of the plan ran`, `connections lost`. */
  label: z.string(),
  /** In words, with the figures. */
  message: z.string(),
});

/** Subscribers of one group and filter that went silent while their filter's traffic went on. */
export const subscriptionLossSchema = z.strictObject({
  group: z.string(),
  /** The subscribe stage's filter template. */
  filter: z.string(),
  devices: count,
  /** When the first of them last received (or was granted its subscription). */
  silentFrom: time,
  /** Messages their filters covered after they went silent, from the plan's rates (an estimate). */
  missedMessages: count,
  /** The first few such devices. */
  deviceIds: z.array(z.string()),
});

const planShape = z.looseObject({
  scenarioName: z.string(),
  workers: z.number(),
  groups: z.array(z.looseObject({ name: z.string(), count })),
  stages: z.array(z.looseObject({ type: z.string() })),
});
/**
 * The plan, checked as planShape and typed as what `run` wrote: a RunPlan. This is the one place
 * the report format trusts a file beyond what it checks; a failed check names the plan's field.
 */
const planCheck = z.custom<RunPlan>((value) => planShape.safeParse(value).success, {
  error: (issue) => {
    const first = planShape.safeParse(issue.input).error?.issues[0];
    return first === undefined ? 'not a resolved plan' : `${first.path.join('.')}: ${first.message}`;
  },
});
const plan = planCheck.describe('The resolved RunPlan, every default applied.');

export const runStatusSchema = z.enum(['complete', 'interrupted', 'failed']);

export const environmentSchema = z.strictObject({
  harnessVersion: z.string(),
  node: z.string(),
  platform: z.string(),
  arch: z.string(),
  cpuModel: z.string(),
  cores: count,
  totalMemoryBytes: count,
});

export const generatorWorkerSchema = z.strictObject({
  index: count,
  /** In a merged report: the shard this worker belonged to. */
  shard: count.optional(),
  devices: count,
  /** Share of the stages' time this worker's event loop was busy (0–1). */
  eventLoopUtilization: z.number().min(0),
  /** The busiest one-second interval. */
  peakEventLoopUtilization: z.number().min(0),
});

export const generatorProcessSchema = z.strictObject({
  cpuUserMs: count,
  cpuSystemMs: count,
  /** Resident memory once keys and tokens were ready, before the first connection. */
  baselineRssBytes: count,
  peakRssBytes: count,
  peakConnected: count,
  /** (RSS at the most connections held − baseline) ÷ those connections; null if none was held. */
  rssPerConnectionBytes: z.number().int().nullable(),
});

const generatorFields = {
  saturated: z.boolean(),
  /** Why it is called saturated, in words (empty when it is not); in a merged report each names its shard. */
  reasons: z.array(z.string()),
  workers: z.array(generatorWorkerSchema),
  /** In a merged report: summed over the shards. */
  process: generatorProcessSchema,
  /** A stage ran more than 5% behind its plan (stages[].pace says which and by how much). */
  behindPlan: z.boolean().optional(),
  /** Present (false) only when the scenario said judgeGenerator: false. */
  judged: z
    .literal(false)
    .optional()
    .describe(
      'false: the scenario set judgeGenerator: false, so the figures are recorded but not judged: saturated, reasons and every behindPlan are false or empty.',
    ),
};

/** One shard's generator section, as that shard reported it. */
export const shardGeneratorSchema = z.strictObject({ shard: count, ...generatorFields });

/** The harness's own load: whether it, rather than the broker, was the bottleneck. */
export const generatorSectionSchema = z.strictObject({
  ...generatorFields,
  /** In a merged report: every shard's own section. Saturated if any shard was. */
  shards: z.array(shardGeneratorSchema).optional().describe("Merged reports: each shard's own section."),
});

/** An MQTT 5 broker's CONNACK capabilities, with the spec's defaults for absent properties (worker/engines/broker-limits.ts). */
export const brokerCapabilitiesSchema = z.strictObject({
  receiveMaximum: z.number().int().min(1),
  maximumQos: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  retainAvailable: z.boolean(),
  maximumPacketSize: z.number().int().min(1).nullable(),
  topicAliasMaximum: z.number().int().min(0),
  wildcardSubscriptionAvailable: z.boolean(),
  subscriptionIdentifiersAvailable: z.boolean(),
  sharedSubscriptionAvailable: z.boolean(),
  serverKeepAliveSec: z.number().int().min(0).nullable(),
  assignedClientId: z.string().nullable(),
});

export const brokerSectionSchema = z.strictObject({
  kind: z.enum(['embedded', 'external']),
  url: z.string(),
  /** The embedded broker's own metrics: auth outcomes, verify times per algorithm, traffic. */
  metrics: z.strictObject({ counters: counts, histograms: z.record(z.string(), histogramReportSchema) }).optional(),
  /** What each broker URL announced in its first MQTT 5 CONNACK (§3.2.2.3); absent on MQTT 3.1.1. */
  capabilities: z.record(z.string(), brokerCapabilitiesSchema).optional(),
  /** The first Reason Strings (at most 3) the broker gave per counted reason (`errors.refused.not-authorized`). */
  reasonStrings: z.record(z.string(), z.array(z.string()).max(3)).optional(),
});

/** One worker's clock against the run's reference (shard 0's worker 0), measured through the broker. */
export const workerClockSchema = z.strictObject({
  /** Set in a merged report. */
  shard: count.optional(),
  worker: count,
  role: z.enum(['reference', 'follower']),
  /** Whether its payload times and receipts were corrected by the offset. */
  corrected: z.boolean(),
  /** Reference minus local, ms: the latest estimate (null: none was made), and the first (drift = last − first). */
  offsetMs: z.number().nullable(),
  firstOffsetMs: z.number().nullable(),
  /** Half the best round trip of the latest estimate's burst: the true offset is within ± this. */
  uncertaintyMs: z.number().min(0).nullable(),
  estimates: count,
  /** Why no estimate was made (the probe was refused, the reference did not answer). */
  problem: z.string().optional(),
});

/** Clock offsets of a run of several shards (src/worker/clock-probe.ts). */
export const clockSectionSchema = z.strictObject({ workers: z.array(workerClockSchema) });

/** Which shard of a distributed run a report is (filled by sharded runs). */
export const shardIdSchema = z.strictObject({
  index: count,
  count: z.number().int().min(1),
  /** The common start every shard waited for (`--start-at`). */
  startAt: time.optional(),
  /**
   * How late this shard's first stage began after `startAt`, by its own clock (null if it never
   * started). Shards cannot see each other's clocks: run NTP or chrony on every host, and compare
   * the `stages[0].startedAt` of merged shards to see their spread.
   */
  firstStageLateMs: z.number().nullable().optional(),
});

/** One connect stage of a capacity search, judged on its own figures. */
export const capacityStepSchema = z.strictObject({
  stageIndex: count,
  /** The step's connect rate (a ramp's peak). */
  ratePerSec: z.number(),
  devices: count,
  held: z.boolean(),
  outcomes: z.array(thresholdOutcomeSchema),
});

export const capacitySectionSchema = z.strictObject({
  /** The rate of the last step that held before the first break; null when the first step broke. */
  lastHeldPerSec: z.number().nullable(),
  /** The rate of the first step that broke; null when every step held. */
  firstBrokenPerSec: z.number().nullable(),
  /** The verdict in words, e.g. "held up to 200/s; broke at 400/s (connect.p(99)<250ms)". */
  verdict: z.string(),
  steps: z.array(capacityStepSchema),
});

/** Where a merged report came from. */
export const shardsInfoSchema = z.strictObject({
  /** Shards the run was planned with (the inputs' own count, or the number of inputs). */
  count: z.number().int().min(1),
  present: z.array(count),
  missing: z.array(count),
  sources: z.array(z.strictObject({ shard: count, status: runStatusSchema, startedAt: time, file: z.string().optional() })),
});

export const runResultSchema = z
  .strictObject({
    schemaVersion: z.literal(SCHEMA_VERSION),
    /** One id per run, the same in every shard of it (`--run-id`); absent from reports of older versions. */
    runId: z.string().optional().describe('One id per run, the same in every shard of it.'),
    status: runStatusSchema,
    /** Why the run was interrupted or failed. */
    statusReason: z.string().optional(),
    scenario: z.strictObject({ name: z.string(), file: z.string(), plan }),
    environment: environmentSchema,
    startedAt: time,
    endedAt: time,
    durationMs: z.number().min(0),
    stages: z.array(stageRecordSchema),
    total: metricsSectionSchema,
    groups: z.record(z.string(), metricsSectionSchema),
    broker: brokerSectionSchema,
    timeline: z.array(timelinePointSchema),
    thresholds: z.array(thresholdOutcomeSchema),
    /** A shard's thresholds, recorded for `merge` to judge on the whole run (a shard never judges its slice). */
    unjudgedThresholds: z.array(unjudgedThresholdSchema).optional().describe("A shard's thresholds, for merge to judge on the whole run."),
    /** The harness watching itself (absent from merged reports: each shard has its own). */
    generator: generatorSectionSchema.optional().describe('The harness watching itself: whether it, not the broker, was the bottleneck.'),
    /** Set on a report that is one shard of a larger run. */
    shard: shardIdSchema.optional(),
    clock: clockSectionSchema
      .optional()
      .describe("Each worker's clock against shard 0's, measured through the broker: what cross-shard latencies were corrected by."),
    /** Set when the scenario searches for capacity (`capacity:`): the last connect rate that held. */
    capacity: capacitySectionSchema.optional().describe('Capacity search: each connect stage judged on its own figures; the last rate that held.'),
    /** Set by `merge`. */
    shards: shardsInfoSchema.optional(),
    /** How much of its plan the run (or this shard's slice) carried out. */
    planShare: planShareSchema
      .optional()
      .describe('How much of its plan the run (or this shard) carried out; notRun says why it counts as not having happened (exit 5).'),
    caveats: z.array(caveatSchema).optional().describe('What a reader must know beside the status; shown in the summary line and the HTML badge.'),
    subscriptionLosses: z
      .array(subscriptionLossSchema)
      .optional()
      .describe('Subscribers that stopped receiving what their filter covers while it was still published.'),
  })
  .describe(`An mqtt-jwt-bench RunResult (schemaVersion ${SCHEMA_VERSION}). Times are ISO 8601 UTC; latencies microseconds.`);

export function runResultJsonSchema(): Record<string, unknown> {
  // The plan's type is only asserted past planShape: the JSON Schema documents what is checked.
  const planJson = z.toJSONSchema(planShape, { target: 'draft-2020-12', io: 'output' });
  delete planJson.$schema;
  const unrepresentable: UnrepresentableHandler = (ctx) => (ctx.zodSchema === planCheck || ctx.zodSchema === plan ? planJson : undefined);
  return { ...z.toJSONSchema(runResultSchema, { target: 'draft-2020-12', io: 'output', unrepresentable }), title: 'mqtt-jwt-bench RunResult' };
}

/** docs/run-result.schema.json, exactly. */
export function runResultJsonSchemaText(): string {
  return `${JSON.stringify(runResultJsonSchema(), null, 2)}\n`;
}
