/** Library use: `import { loadScenario, run } from 'mqtt-jwt-bench'`. */
import { runPlan, type RunOptions } from './coordinator/run.js';
import type { RunResult } from './report/model/run-result.js';
import { loadScenarioFile, validateScenario, type LoadedScenario, type LoadOptions } from './scenario/load.js';

export { ConfigError, HarnessError, KeyError, BrokerError, WorkerError, ReportError } from './errors.js';
export type { RunResult, MetricsSection, TimelinePoint, RunStatus, StageRecord, ThresholdOutcome, ShardId, ShardsInfo } from './report/model/run-result.js';
export type { Threshold } from './scenario/threshold.js';
export type {
  RunPlan,
  TlsPlan,
  GroupPlan,
  StagePlan,
  MqttPlan,
  BrokerPlan,
  EmbeddedBrokerPlan,
  KeySourcePlan,
  TokenPlan,
  CapacityPlan,
  PlanProblem,
} from './scenario/run-plan.js';
export type { RampPlan, ArrivalPlan } from './scenario/arrival.js';
export type { PayloadPlan, PayloadValues } from './scenario/payload.js';
export type { ScenarioInput, Scenario } from './scenario/schema.js';
export type { LoadedScenario, LoadOptions } from './scenario/load.js';
export type { RunOptions } from './coordinator/run.js';
export type { ShardSpec } from './coordinator/shards.js';
export type { CapacitySection, CapacityStep, BrokerSection, HistogramReport } from './report/model/run-result.js';
export { describePlan, type PlanDescription } from './scenario/describe.js';
export { compilePayload } from './scenario/payload.js';
export { capacityVerdict } from './report/judge/capacity.js';
export type { ProgressEvent, ProgressListener } from './coordinator/progress.js';
export { decodeHistogram, encodeHistogram } from './metrics/histogram.js';
export { writeReport } from './report/model/write.js';
export { formatSummary } from './report/render/console.js';
export { readRunResult, parseRunResult } from './report/model/read.js';
export { mergeResults } from './report/merge/merge.js';
export { compareRuns, compareGroups } from './report/compare/compare.js';
export { runsVerdict, groupsVerdict } from './report/compare/compare-verdict.js';
export { quickScenario, loadQuickScenario } from './scenario/quick.js';
export { renderRunHtml } from './report/render/html.js';
export { renderHgrm, parseHgrm } from './report/render/hgrm.js';
export { renderTimelineCsv } from './report/render/csv.js';
export { parseThreshold } from './scenario/threshold.js';
export { evaluateThresholds, viewOfResult } from './report/judge/thresholds.js';
export { startBroker, type RunningBroker } from './broker/server.js';
export { DEFAULT_VERIFY_POLICY, type BrokerOptions } from './broker/broker-options.js';
export { ensureLocalCertificates, type LocalCertificates } from './broker/certificates.js';
export { formatRegistry, parseRegistryFile, type DeviceRecord, type RegistryFormat } from './identity/registry-file.js';
export { runSignBench, type SignBenchOptions } from './sign-bench/run-sign-bench.js';
export { signBenchResultSchema, type SignBenchResult, type SignBenchEntry } from './sign-bench/sign-bench-result.js';
export { verifyDeviceToken, REJECT_REASONS, type RejectReason, type VerifyPolicy, type VerifyOutcome } from './identity/verify.js';

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
export function run(loaded: LoadedScenario, options: Omit<RunOptions, 'file'> = {}): Promise<RunResult> {
  return runPlan(loaded.plan, { ...options, file: loaded.file });
}
