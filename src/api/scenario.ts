/**
 * `mqtt-jwt-bench/scenario`: a loaded scenario described in words, and quick mode's scenario
 * from flags (docs/library.md). Pinned by test/api/public-api.test.ts.
 */
export { describePlan, type PlanDescription } from '../scenario/describe.js';
export { quickScenario, loadQuickScenario, type QuickFlags, type QuickScenario } from '../scenario/quick.js';
