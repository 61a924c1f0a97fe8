/** The console summary: a string (autocannon's printResult returns one), printed by the CLI. */
import type { HistogramReport, MetricsSection, RunResult } from './run-result.js';

const LATENCIES: [string, string][] = [
  ['signUs', 'sign (token)'],
  ['connectUs', 'connect → CONNACK'],
  ['publishAckUs', 'publish → ack (from plan)'],
  ['publishAckUncorrectedUs', 'publish → ack (from send)'],
  ['sendLagUs', 'send lag behind plan'],
  ['uplinkUs', 'uplink: send → subscriber'],
  ['downlinkUs', 'downlink: send → device'],
];

export function formatSummary(result: RunResult): string {
  const lines: string[] = [];
  const plan = result.scenario.plan;
  lines.push(`mqtt-jwt-bench ${result.environment.harnessVersion} · ${result.scenario.name} · ${result.status.toUpperCase()}${result.statusReason ? ` (${result.statusReason})` : ''}`);
  lines.push(`broker ${result.broker.url} · ${plan.workers} workers · ${(result.durationMs / 1000).toFixed(1)} s`);
  lines.push('');
  lines.push(counterLine(result.total));
  const failures = Object.entries(result.total.connectFailures);
  if (failures.length > 0) lines.push(`connect failures: ${failures.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const errors = Object.entries(result.total.errors);
  if (errors.length > 0) lines.push(`errors: ${errors.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  lines.push('');
  lines.push(table(LATENCIES.flatMap(([name, label]) => row(label, result.total.histograms[name]))));
  const verify = Object.entries(result.broker.metrics?.histograms ?? {}).filter(([name]) => name.startsWith('verifyUs.'));
  if (verify.length > 0) {
    lines.push('');
    lines.push('embedded broker');
    lines.push(table(verify.flatMap(([name, h]) => row(`verify ${name.slice('verifyUs.'.length)}`, h))));
    const c = result.broker.metrics?.counters ?? {};
    const rejected = Object.entries(c).filter(([k]) => k.startsWith('auth.rejected.'));
    lines.push(`auth accepted ${c['auth.accepted'] ?? 0}, rejected ${rejected.reduce((n, [, v]) => n + v, 0)}${rejected.length ? ` (${rejected.map(([k, v]) => `${k.slice(14)} ${v}`).join(', ')})` : ''} · messages in ${c['messagesIn'] ?? 0}`);
  }
  return lines.join('\n');
}

function counterLine(section: MetricsSection): string {
  const c = section.counters;
  return [
    `devices ${c['devices'] ?? 0}`,
    `connected ${c['connected'] ?? 0}`,
    `connect failed ${c['connectFailed'] ?? 0}`,
    `published ${c['published'] ?? 0}`,
    `acked ${c['acked'] ?? 0}`,
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
  const all = [['latency (ms)', 'count', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'max'], ...rows];
  const widths = all[0]?.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length))) ?? [];
  return all.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')).join('\n');
}
