/**
 * The RunResult's shape as a validator: `report`, `compare` and `merge` check every file they
 * read with it, and docs/run-result.schema.json is generated from it (`npm run schema`), so the
 * documented format and the checked one cannot drift. The resolved plan is checked only as far
 * as merging needs (its name, groups and stages); the rest passes through.
 */
import { z } from 'zod';
import { SCHEMA_VERSION } from './run-result.js';

const count = z.number().int().min(0);
const counts = z.record(z.string(), count);
const summary = z.strictObject({ count, min: z.number(), mean: z.number(), p50: z.number(), p90: z.number(), p99: z.number(), p999: z.number(), max: z.number() });
const histogram = z.strictObject({
  summary: summary.describe('Microseconds, except count.'),
  encoded: z.string().describe('HdrHistogram compressed V2 encoding, base64; microseconds.'),
});
const section = z
  .strictObject({ counters: counts, connectFailures: counts, errors: counts, histograms: z.record(z.string(), histogram) })
  .describe('Counters, failures by reason, errors by kind, histograms by name.');
const time = z.iso.datetime();

const timelinePoint = z.strictObject({
  second: count.describe('Seconds since the start.'),
  connects: count,
  connectFailures: count,
  published: count,
  acked: count,
  errors: count,
  connected: count,
  inFlight: count,
  publishAckP50Us: z.number(),
  publishAckP99Us: z.number(),
  publishAckEncoded: z.string().optional(),
});

const stage = z.strictObject({ index: count, type: z.string(), startedAt: time, endedAt: time, durationMs: z.number(), total: section, groups: z.record(z.string(), section) });

const aggregate = z.union([
  z.strictObject({ kind: z.literal('percentile'), percentile: z.number().min(0).max(100) }),
  z.strictObject({ kind: z.enum(['avg', 'min', 'max', 'count', 'rate', 'error_rate']) }),
]);
const unjudgedThreshold = z.strictObject({
  expression: z.string(),
  source: z.enum(['scenario', 'cli']),
  metric: z.string().nullable(),
  group: z.string().nullable(),
  aggregate,
  op: z.enum(['<', '<=', '>', '>=', '==', '!=']),
  limit: z.number().describe('µs for latencies, per second for rates, a fraction for error rates, else a count.'),
  abortOnFail: z.boolean(),
});
const threshold = unjudgedThreshold.extend({
  passed: z.boolean(),
  actual: z.number().nullable(),
  note: z.string().optional(),
});

const plan = z.looseObject({
  scenarioName: z.string(),
  workers: z.number(),
  groups: z.array(z.looseObject({ name: z.string(), count })),
  stages: z.array(z.looseObject({ type: z.string() })),
});

export const runResultSchema = z
  .strictObject({
    schemaVersion: z.literal(SCHEMA_VERSION),
    runId: z.string().optional().describe('One id per run, the same in every shard of it.'),
    status: z.enum(['complete', 'interrupted', 'failed']),
    statusReason: z.string().optional(),
    scenario: z.strictObject({ name: z.string(), file: z.string(), plan: plan.describe('The resolved RunPlan, every default applied.') }),
    environment: z.strictObject({ harnessVersion: z.string(), node: z.string(), platform: z.string(), arch: z.string(), cpuModel: z.string(), cores: count, totalMemoryBytes: count }),
    startedAt: time,
    endedAt: time,
    durationMs: z.number().min(0),
    stages: z.array(stage),
    total: section,
    groups: z.record(z.string(), section),
    broker: z.strictObject({
      kind: z.enum(['embedded', 'external']),
      url: z.string(),
      metrics: z.strictObject({ counters: counts, histograms: z.record(z.string(), histogram) }).optional(),
    }),
    timeline: z.array(timelinePoint),
    thresholds: z.array(threshold),
    unjudgedThresholds: z.array(unjudgedThreshold).optional().describe("A shard's thresholds, for merge to judge on the whole run."),
    generator: z
      .strictObject({
        saturated: z.boolean(),
        reasons: z.array(z.string()),
        workers: z.array(z.strictObject({ index: count, devices: count, eventLoopUtilization: z.number().min(0), peakEventLoopUtilization: z.number().min(0) })),
        process: z.strictObject({
          cpuUserMs: count,
          cpuSystemMs: count,
          baselineRssBytes: count,
          peakRssBytes: count,
          peakConnected: count,
          rssPerConnectionBytes: z.number().int().nullable(),
        }),
      })
      .optional()
      .describe('The harness watching itself: whether it, not the broker, was the bottleneck.'),
    shard: z.strictObject({ index: count, count: z.number().int().min(1), startAt: time.optional(), firstStageLateMs: z.number().nullable().optional() }).optional(),
    capacity: z
      .strictObject({
        lastHeldPerSec: z.number().nullable(),
        firstBrokenPerSec: z.number().nullable(),
        verdict: z.string(),
        steps: z.array(z.strictObject({ stageIndex: count, ratePerSec: z.number(), devices: count, held: z.boolean(), outcomes: z.array(threshold) })),
      })
      .optional()
      .describe('Capacity search: each connect stage judged on its own figures; the last rate that held.'),
    planShare: z
      .strictObject({
        devicesPlanned: count,
        devicesConnected: count,
        messagesPlanned: count,
        messagesSent: count,
        minSentPercent: z.number().min(0).max(100),
        expect: z.enum(['delivery', 'refusals']),
        notRun: z.string().optional(),
      })
      .optional()
      .describe('How much of its plan the run (or this shard) carried out; notRun says why it counts as not having happened (exit 5).'),
    caveats: z
      .array(z.strictObject({ kind: z.enum(['missing-shards', 'interrupted', 'connections-lost', 'subscription-lost']), label: z.string(), message: z.string() }))
      .optional()
      .describe('What a reader must know beside the status; shown in the summary line and the HTML badge.'),
    subscriptionLosses: z
      .array(z.strictObject({ group: z.string(), filter: z.string(), devices: count, silentFrom: time, missedMessages: count, deviceIds: z.array(z.string()) }))
      .optional()
      .describe('Subscribers that stopped receiving what their filter covers while it was still published.'),
    shards: z
      .strictObject({
        count: z.number().int().min(1),
        present: z.array(count),
        missing: z.array(count),
        sources: z.array(z.strictObject({ shard: count, status: z.enum(['complete', 'interrupted', 'failed']), startedAt: time, file: z.string().optional() })),
      })
      .optional(),
  })
  .describe(`An mqtt-jwt-bench RunResult (schemaVersion ${SCHEMA_VERSION}). Times are ISO 8601 UTC; latencies microseconds.`);

export function runResultJsonSchema(): Record<string, unknown> {
  return { ...z.toJSONSchema(runResultSchema, { target: 'draft-2020-12', io: 'output' }), title: 'mqtt-jwt-bench RunResult' };
}

/** docs/run-result.schema.json, exactly. */
export function runResultJsonSchemaText(): string {
  return `${JSON.stringify(runResultJsonSchema(), null, 2)}\n`;
}
