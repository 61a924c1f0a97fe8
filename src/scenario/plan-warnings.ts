/**
 * What a valid plan will not measure as the user expects, said before anything connects:
 * `validate` prints these, and `run` announces them even with --quiet.
 */
import { embeddedAclRefusals } from './embedded-acl.js';
import { refreshLoadWarnings } from './refresh-load.js';
import type { RunPlan } from './run-plan.js';

export function planWarnings(plan: RunPlan): string[] {
  return [...embeddedAclRefusals(plan), ...refreshLoadWarnings(plan)];
}
