/** Library use: `import { loadScenario, run } from 'mqtt-jwt-bench'`. */
import { runPlan, type RunOptions } from './coordinator/run.js';
import type { RunResult } from './report/run-result.js';
import { loadScenarioFile, validateScenario, type LoadedScenario } from './scenario/load.js';

export { ConfigError, HarnessError, KeyError, BrokerError, WorkerError, ReportError } from './errors.js';
export type { RunResult, MetricsSection, TimelinePoint, RunStatus } from './report/run-result.js';
export type { RunPlan, GroupPlan, StagePlan, TlsPlan } from './scenario/plan.js';
export type { ScenarioInput, Scenario } from './scenario/schema.js';
export type { LoadedScenario } from './scenario/load.js';
export type { ProgressEvent, ProgressListener } from './coordinator/progress.js';
export { decodeHistogram, encodeHistogram } from './metrics/histogram.js';
export { writeReport } from './report/write.js';
export { formatSummary } from './report/console.js';

/** Loads and validates a scenario file (YAML or JSON); throws a ConfigError listing every problem. */
export function loadScenario(file: string): Promise<LoadedScenario> {
  return loadScenarioFile(file);
}

/** Validates a scenario object written in code; `name` stands in for the file in messages. */
export function scenarioFromObject(scenario: unknown, name = 'scenario'): LoadedScenario {
  return validateScenario(scenario, name);
}

/** Runs a loaded scenario and resolves to the same RunResult the CLI writes. */
export function run(loaded: LoadedScenario, options: Omit<RunOptions, 'file'> = {}): Promise<RunResult> {
  return runPlan(loaded.plan, { ...options, file: loaded.file });
}
