/**
 * Does a plan fit, laid out as it will run: the whole plan in one process, one shard of it
 * (`--shard i/N`, a machine of its own), or N processes on this machine (`run --processes N`).
 * File descriptors are counted per process, ports per machine (the kernel's), both from where
 * the devices really go (address-pairs.ts). `validate`, `run`, `run --processes` and `--shard`
 * all ask here.
 */
import type { RunPlan } from '../scenario/run-plan.js';
import { busiestSlice, spreadLoad, spreadOf } from './address-pairs.js';
import type { MachineFacts } from './machine-facts.js';
import { preflight, type PreflightOutcome } from './preflight.js';
import { WHOLE_RUN, type ShardSpec } from './shards.js';

export interface FitLayout {
  /** The slice this machine runs (default: all of it). */
  shard?: ShardSpec;
  /** Shard processes on this machine (`run --processes`); default 1. */
  processes?: number;
}

export function planFit(plan: Pick<RunPlan, 'broker' | 'localAddresses' | 'groups'>, layout: FitLayout, facts: MachineFacts): PreflightOutcome {
  const spread = spreadOf(plan);
  const processes = layout.processes ?? 1;
  const machine = spreadLoad(spread, layout.shard ?? WHOLE_RUN);
  const embedded = plan.broker.kind === 'embedded';
  if (processes <= 1) return preflight({ connections: machine.connections, embeddedBroker: embedded, machine, facts });
  // Each shard process holds its slice's client sockets; the parent's embedded broker holds the
  // other side of every one of them.
  const perProcess = preflight({ connections: busiestSlice(spread, processes).connections, embeddedBroker: false, machine, facts });
  if (!embedded) return perProcess;
  const broker = preflight({ connections: machine.connections, embeddedBroker: false, machine: { ...machine, sources: [], pairs: [] }, facts });
  return {
    problems: [...perProcess.problems, ...broker.problems.map((p) => `the embedded broker of --processes: ${p}`)],
    notes: perProcess.notes,
  };
}
