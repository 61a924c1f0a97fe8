/**
 * The client's TLS settings in the RunPlan: file paths and switches only. The coordinator reads
 * the files (coordinator/tls-files.ts); workers only ever see their contents.
 */
import type { PlanProblem } from './run-plan.js';
import type { Scenario } from './schema.js';

export interface TlsPlan {
  /** PEM files, relative to the working directory, as keys.store is. */
  caFile: string | null;
  certFile: string | null;
  keyFile: string | null;
  servername: string | null;
  minVersion: 'TLSv1.2' | 'TLSv1.3';
  /** false only when a user turned verification off by name; the CLI warns about it. */
  rejectUnauthorized: boolean;
}

/** Builds the TLS plan, adding a problem for every setting that cannot work together. */
export function planTls(scenario: Scenario, problems: PlanProblem[]): TlsPlan | null {
  const tls = scenario.tls;
  if (tls === undefined) return null;
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    problems.push({ path: ['tls', tls.cert === undefined ? 'cert' : 'key'], message: 'mutual TLS needs both cert and key' });
  }
  const broker = scenario.broker;
  if (broker === 'embedded') {
    problems.push({ path: ['tls'], message: 'applies to mqtts:// and wss:// brokers; the embedded broker listens without TLS' });
  } else {
    const plain = (typeof broker === 'string' ? [broker] : broker).find((url) => !/^(mqtts|wss):/.test(url));
    if (plain !== undefined) problems.push({ path: ['tls'], message: `applies to mqtts:// and wss:// brokers, but broker is ${plain}` });
  }
  return {
    caFile: tls.ca ?? null,
    certFile: tls.cert ?? null,
    keyFile: tls.key ?? null,
    servername: tls.servername ?? null,
    minVersion: tls.minVersion,
    rejectUnauthorized: tls.rejectUnauthorized,
  };
}

/** Warnings the CLI prints even with --quiet: settings that are allowed but unsafe. */
export function tlsWarnings(tls: TlsPlan | null): string[] {
  if (tls === null || tls.rejectUnauthorized) return [];
  return ["tls.rejectUnauthorized is false: the broker's certificate is NOT verified, so anyone on the path can read the tokens"];
}
