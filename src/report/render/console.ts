/** The console summary: a string (autocannon's printResult returns one), printed by the CLI. */
import { formatGroups } from './console-groups.js';
import { describeFaults } from '../judge/faults.js';
import { errorLabel, histogramLabel, orderedHistogramNames } from './labels.js';
import type { HistogramReport, MetricsSection, RunResult, ThresholdOutcome } from '../model/run-result.js';
import { formatTable } from './table.js';
import { caveatLines, planShareLine, statusWords } from './verdict-text.js';
import { paceLines } from './console-pace.js';
import { capabilityLines, receiveMaximumOf } from './broker-capabilities.js';
import { trustInWords, trustOf } from '../judge/trust.js';
import { formatThresholdValue } from './threshold-format.js';

export function formatSummary(result: RunResult): string {
  const lines: string[] = [];
  const plan = result.scenario.plan;
  lines.push(
    `mqtt-jwt-bench ${result.environment.harnessVersion} · ${result.scenario.name} · ${statusWords(result).toUpperCase()}${result.statusReason ? ` (${result.statusReason})` : ''}`,
  );
  lines.push(
    `broker ${result.broker.url} · ${plan.workers} workers · ${(result.durationMs / 1000).toFixed(1)} s${result.runId === undefined ? '' : ` · run ${result.runId}`}`,
  );
  const share = planShareLine(result);
  if (share !== undefined) lines.push(share);
  lines.push(...caveatLines(result));
  lines.push('');
  lines.push(counterLine(result.total));
  const failures = Object.entries(result.total.connectFailures);
  if (failures.length > 0) lines.push(`connect failures: ${failures.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const errors = Object.entries(result.total.errors);
  if (errors.length > 0) lines.push(`errors: ${errors.map(([k, v]) => `${errorLabel(k)} ${v}`).join(', ')}`);
  const wills = willsLine(result.total);
  if (wills !== undefined) lines.push(wills);
  const refresh = refreshLine(result.total);
  if (refresh !== undefined) lines.push(refresh);
  const queued = result.total.counters['queuedReceived'];
  if (queued !== undefined) lines.push(`kept sessions: ${queued} queued messages received after reconnecting (queuedReceived)`);
  const faults = describeFaults(result.total);
  if (faults !== undefined) lines.push(faults);
  lines.push('');
  const names = orderedHistogramNames(Object.keys(result.total.histograms));
  lines.push(table(names.flatMap((name) => row(histogramLabel(name), result.total.histograms[name]))));
  const groups = formatGroups(result);
  if (groups !== undefined) lines.push('', groups);
  const verify = Object.entries(result.broker.metrics?.histograms ?? {}).filter(([name]) => name.startsWith('verifyUs.'));
  if (verify.length > 0) {
    lines.push('');
    lines.push('embedded broker');
    lines.push(table(verify.flatMap(([name, h]) => row(`verify ${name.slice('verifyUs.'.length)}`, h))));
    const c = result.broker.metrics?.counters ?? {};
    const rejected = Object.entries(c).filter(([k]) => k.startsWith('auth.rejected.'));
    lines.push(
      `auth accepted ${c['auth.accepted'] ?? 0}, rejected ${rejected.reduce((n, [, v]) => n + v, 0)}${rejected.length ? ` (${rejected.map(([k, v]) => `${k.slice(14)} ${v}`).join(', ')})` : ''} · messages in ${c['messagesIn'] ?? 0}`,
    );
  }
  const announced = capabilityLines(result.broker);
  if (announced.length > 0) lines.push('', ...announced);
  const pace = paceLines(result.stages, receiveMaximumOf(result.broker));
  if (pace.length > 0) lines.push('', ...pace);
  if (result.generator !== undefined) lines.push('', ...generatorLines(result.generator));
  const trust = trustInWords(trustOf(result));
  if (trust.length > 0) lines.push(...(result.generator === undefined ? [''] : []), ...trust);
  if (result.shards !== undefined) {
    const { present, count, missing } = result.shards;
    lines.push('', `merged from ${present.length} of ${count} shards${missing.length > 0 ? `; missing shards ${missing.join(', ')}` : ''}`);
  }
  if (result.clock !== undefined) lines.push('', ...clockLines(result.clock));
  if (result.capacity !== undefined) lines.push('', `capacity: ${result.capacity.verdict}`);
  if (result.thresholds.length > 0) lines.push('', formatThresholds(result.thresholds));
  return lines.join('\n');
}

/** Each shard's clock against shard 0's: `clock offsets (ms, ± uncertainty): shard 1 −50.12 ±0.08, …`. */
export function clockLines(clock: NonNullable<RunResult['clock']>): string[] {
  const followers = clock.workers.filter((w) => w.role === 'follower');
  if (followers.length === 0) return [];
  const ms = (n: number): string => `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(2)}`;
  const each = followers.map((w) => {
    const name = `${w.shard === undefined ? '' : `shard ${w.shard} `}worker ${w.worker}`;
    if (w.offsetMs === null) return `${name} unknown${w.problem === undefined ? '' : ` (${w.problem})`}`;
    const drift = w.firstOffsetMs === null || w.estimates < 2 ? '' : `, drift ${ms(w.offsetMs - w.firstOffsetMs)}`;
    return `${name} ${ms(w.offsetMs)} ±${(w.uncertaintyMs ?? 0).toFixed(2)}${drift}`;
  });
  const corrected = followers.every((w) => w.corrected) ? 'corrected' : followers.some((w) => w.corrected) ? 'partly corrected' : 'measured, not corrected';
  return [`clock offsets to shard 0 (ms, ${corrected}): ${each.join(' · ')}`];
}

/** What the harness itself cost, and, in words, whether its figures can be trusted. */
export function generatorLines(generator: NonNullable<RunResult['generator']>): string[] {
  const p = generator.process;
  // Below a thousand connections, heap growth and buffers swamp the per-connection figure.
  const perConnection =
    p.rssPerConnectionBytes === null || p.peakConnected < 1000 ? '' : ` · ${(p.rssPerConnectionBytes / 1024).toFixed(1)} KiB RSS per connection`;
  const loops = generator.workers.map((w) => `${(w.eventLoopUtilization * 100).toFixed(0)}%`).join(' ');
  const lines = [
    `harness: CPU ${((p.cpuUserMs + p.cpuSystemMs) / 1000).toFixed(1)} s · peak RSS ${(p.peakRssBytes / 1048576).toFixed(0)} MiB${perConnection} · worker loops busy ${loops}`,
  ];
  for (const shard of generator.shards ?? []) {
    lines.push(
      `  shard ${shard.shard}: ${shard.saturated ? `SATURATED (${shard.reasons.join('; ')})` : 'not saturated'} · CPU ${((shard.process.cpuUserMs + shard.process.cpuSystemMs) / 1000).toFixed(1)} s · peak RSS ${(shard.process.peakRssBytes / 1048576).toFixed(0)} MiB`,
    );
  }
  return lines;
}

/** One line per threshold, marked passed (✓) or failed (✗), with what was measured. */
export function formatThresholds(outcomes: readonly ThresholdOutcome[]): string {
  const failed = outcomes.filter((o) => !o.passed).length;
  const lines = [`thresholds: ${outcomes.length - failed} passed, ${failed} failed`];
  for (const o of outcomes) lines.push(`  ${o.passed ? '✓' : '✗'} ${o.expression}  ${formatThresholdValue(o)}${o.note === undefined ? '' : `  (${o.note})`}`);
  return lines.join('\n');
}

function optional(c: Record<string, number>, name: string, label: string): string[] {
  const n = c[name];
  return n === undefined || n === 0 ? [] : [`${label} ${n}`];
}

/** Wills the `measure: wills` subscribers received against the wills `drop` stages made the broker owe. */
export function willsLine(section: MetricsSection): string | undefined {
  const c = section.counters;
  const expected = c['willsExpected'];
  const received = c['willsReceived'];
  if (expected === undefined && received === undefined) return undefined;
  const e = expected ?? 0;
  const r = received ?? 0;
  const verdict = r === e ? 'all arrived' : r < e ? `${e - r} missing` : `${r - e} more than expected (retained, or more than one subscriber)`;
  return `wills: received ${r} of ${e} expected · ${verdict}`;
}

/**
 * How tokens were refreshed: by reconnecting, by re-authentication (AUTH), and the devices that
 * meant to re-authenticate but fell back to reconnecting, with why (auth-fallback.ts).
 */
export function refreshLine(section: MetricsSection): string | undefined {
  const c = section.counters;
  const fallbacks = c['reauthFallbacks'] ?? 0;
  if (c['refreshes'] === undefined && c['reauths'] === undefined && fallbacks === 0) return undefined;
  const why = Object.entries(c).flatMap(([name, n]) => (name.startsWith('reauthFallback.') ? [`${name.slice('reauthFallback.'.length)} ${n}`] : []));
  const parts = [`${c['refreshes'] ?? 0} by reconnect`, `${c['reauths'] ?? 0} by re-authentication (AUTH)`];
  if (fallbacks > 0) parts.push(`${fallbacks} devices fell back from reauth to reconnecting (${why.join(', ')})`);
  return `token refreshes: ${parts.join(' · ')}`;
}

function counterLine(section: MetricsSection): string {
  const c = section.counters;
  return [
    `devices ${c['devices'] ?? 0}`,
    `connected ${c['connected'] ?? 0}`,
    `connect failed ${c['connectFailed'] ?? 0}`,
    `published ${c['published'] ?? 0}`,
    `acked ${c['acked'] ?? 0}`,
    // MQTT 5's outcomes, where they happened: refusals are never in acked; 0x10 is.
    ...optional(c, 'ackedNoSubscribers', 'acked with no subscribers'),
    ...optional(c, 'refused', 'refused'),
    ...optional(c, 'heldByReceiveMaximum', "held by the broker's Receive Maximum"),
    ...optional(c, 'qosDowngraded', 'QoS downgraded'),
    ...Object.entries(c).flatMap(([name, n]) => (name.startsWith('disconnected.') ? [`${name} ${n}`] : [])),
    `missed slots ${c['missedSlots'] ?? 0}`,
    ...(c['subscribed'] === undefined && c['received'] === undefined ? [] : [`subscribed ${c['subscribed'] ?? 0}`, `received ${c['received'] ?? 0}`]),
  ].join(' · ');
}

function row(label: string, h: HistogramReport | undefined): string[][] {
  if (h === undefined || h.summary.count === 0) return [];
  const s = h.summary;
  return [[label, String(s.count), ms(s.mean), ms(s.p50), ms(s.p90), ms(s.p99), ms(s.p999), ms(s.max)]];
}

function ms(us: number): string {
  return us >= 10_000 ? (us / 1000).toFixed(0) : (us / 1000).toFixed(2);
}

function table(rows: string[][]): string {
  return formatTable([['latency (ms)', 'count', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'max'], ...rows]);
}
