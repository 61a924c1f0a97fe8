/**
 * The groups of one run as comparable columns, each with the broker's side of its cost: the
 * embedded broker times verifies per algorithm (`verifyUs.RS256`), so a group whose algorithm no
 * other group uses gets that histogram as its own `brokerVerifyUs`. Pure.
 */
import type { MetricsSection, RunResult } from '../model/run-result.js';

/** One column of a comparison: a run, or one group of a run. */
export interface CompareColumn {
  label: string;
  section: MetricsSection;
  durationMs: number;
  /** Why this column's figures may mislead, in words (the generator was saturated). */
  caveats?: string[];
}

export const BROKER_VERIFY = 'brokerVerifyUs';

export function groupColumns(result: Pick<RunResult, 'groups' | 'broker' | 'durationMs' | 'scenario'>): CompareColumn[] {
  return Object.entries(result.groups).map(([label, section]) => ({ label, section: withBrokerVerify(result, label, section), durationMs: result.durationMs }));
}

/** `section` plus `brokerVerifyUs` when the broker's verify times of this group's algorithm are this group's alone. */
export function withBrokerVerify(result: Pick<RunResult, 'broker' | 'scenario'>, groupName: string, section: MetricsSection): MetricsSection {
  const groups = result.scenario.plan.groups;
  const alg = groups.find((g) => g.name === groupName)?.alg;
  if (alg === undefined || groups.filter((g) => g.alg === alg).length !== 1) return section;
  const verify = result.broker.metrics?.histograms[`verifyUs.${alg}`];
  return verify === undefined ? section : { ...section, histograms: { ...section.histograms, [BROKER_VERIFY]: verify } };
}
