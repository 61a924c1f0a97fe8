/**
 * The package's root entry, `import { loadScenario, run } from 'mqtt-jwt-bench'`: load or build a
 * scenario, run it, get the RunResult. Exactly what docs/library.md documents, and pinned by
 * test/api/public-api.test.ts. Working with saved results is `mqtt-jwt-bench/report`
 * (src/api/report.ts), the embedded broker `mqtt-jwt-bench/broker` (src/api/broker.ts), plan
 * descriptions and quick mode `mqtt-jwt-bench/scenario` (src/api/scenario.ts). Everything else,
 * the RunPlan's parts among them, is internal and may change in any release.
 */
import { runPlan } from './coordinator/run.js';
import type { RunOptions } from './coordinator/run-options.js';
import type { RunResult } from './report/model/run-result.js';
import { loadScenarioFile, validateScenario, type LoadedScenario, type LoadOptions } from './scenario/load.js';

export { ConfigError, HarnessError, KeyError, BrokerError, WorkerError, ReportError, type ErrorCode } from './errors.js';
export type {
  RunResult,
  MetricsSection,
  HistogramReport,
  TimelinePoint,
  StageRecord,
  ThresholdOutcome,
  BrokerSection,
  CapacitySection,
  CapacityStep,
  RunStatus,
  ShardId,
  ShardsInfo,
} from './report/model/run-result.js';
export { parseThreshold, type Threshold } from './scenario/threshold.js';
export type { ScenarioInput, Scenario } from './scenario/schema.js';
export type { LoadedScenario, LoadOptions } from './scenario/load.js';
export type { RunOptions } from './coordinator/run-options.js';
export type { ShardSpec } from './scenario/shard-spec.js';
export type { ProgressEvent, ProgressListener, ProgressTick } from './coordinator/progress.js';

/**
 * Loads and validates a scenario file (YAML or JSON); throws a ConfigError listing every problem.
 * `options.env` replaces process.env for `${VAR}`; `options.sets` are `--set path=value` overrides.
 */
export function loadScenario(file: string, options: LoadOptions = {}): Promise<LoadedScenario> {
  return loadScenarioFile(file, options);
}

/** Validates a scenario object written in code; `name` stands in for the file in messages. */
export function scenarioFromObject(scenario: unknown, name = 'scenario'): LoadedScenario {
  return validateScenario(scenario, name);
}

/** Runs a loaded scenario and resolves to the same RunResult the CLI writes. */
export function run(loaded: LoadedScenario, options: RunOptions = {}): Promise<RunResult> {
  const { signal, force, onProgress, thresholds, shard, startAtMs, runId, maxLateMs } = options;
  // Field by field, so that nothing beyond RunOptions (the harness's test-only faults) gets through.
  return runPlan(loaded.plan, { file: loaded.file, signal, force, onProgress, thresholds, shard, startAtMs, runId, maxLateMs });
}
