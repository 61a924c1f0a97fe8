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

const pace = z
  .strictObject({
    planned: z.strictObject({ actions: count, durationMs: z.number().min(0), ratePerSec: z.number().min(0).nullable() }),
    achieved: z.strictObject({ actions: count, durationMs: z.number().min(0), ratePerSec: z.number().min(0).nullable() }),
    lastActionLateMs: z.number().min(0).nullable().describe('How late against its plan the last action went out (the latest worker).'),
    achievedRatio: z.number().min(0).nullable().describe('Achieved ÷ planned rate: planned duration ÷ (planned duration + lastActionLateMs).'),
    behindPlan: z.boolean().describe('achievedRatio < 0.95 and the last action more than 1 s late.'),
  })
  .describe("Planned against achieved: this report's part of the plan beside what happened.");
const stage = z.strictObject({
  index: count,
  type: z.string(),
  startedAt: time,
  endedAt: time,
  durationMs: z.number(),
  total: section,
  groups: z.record(z.string(), section),
  pace: pace.optional(),
});
const generatorWorker = z.strictObject({ index: count, shard: count.optional(), devices: count, eventLoopUtilization: z.number().min(0), peakEventLoopUtilization: z.number().min(0) });
const generatorProcess = z.strictObject({
  cpuUserMs: count,
  cpuSystemMs: count,
  baselineRssBytes: count,
  peakRssBytes: count,
  peakConnected: count,
  rssPerConnectionBytes: z.number().int().nullable(),
});
const generatorFields = { saturated: z.boolean(), reasons: z.array(z.string()), workers: z.array(generatorWorker), process: generatorProcess, behindPlan: z.boolean().optional() };

const aggregate = z.union([
  z.strictObject({ kind: z.literal('percentile'), percentile: z.number().min(0).max(100) }),
  z.strictObject({ kind: z.enum(['avg', 'min', 'max', 'count', 'rate', 'error_rate']) }),
]);
const threshold = z.strictObject({
  expression: z.string(),
  source: z.enum(['scenario', 'cli']),
  metric: z.string().nullable(),
  group: z.string().nullable(),
  aggregate,
  op: z.enum(['<', '<=', '>', '>=', '==', '!=']),
  limit: z.number().describe('µs for latencies, per second for rates, a fraction for error rates, else a count.'),
  abortOnFail: z.boolean(),
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
    generator: z
      .strictObject({
        ...generatorFields,
        shards: z.array(z.strictObject({ shard: count, ...generatorFields })).optional().describe("Merged reports: each shard's own section."),
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
