/**
 * A comparison read as an answer: one paragraph that opens `compare` (and its HTML page). For
 * runs: better, worse, mixed or the same, then connect and publish latency, throughput, errors,
 * and what else moved beyond the noise band. For the groups of one run (RSA against EC): sign
 * cost, broker verify cost, token and CONNECT bytes and connect latency, each with its ratio and
 * whether it is beyond noise. Pure.
 */
import type { CompareRow, Comparison } from './compare.js';

/** The verdict of every column against the first, one paragraph each (one for two columns). */
export function runsVerdict(comparison: Comparison): string {
  return comparison.labels
    .slice(1)
    .map((_, k) => runVerdict(comparison, k + 1))
    .join('\n\n');
}

function runVerdict(c: Comparison, i: number): string {
  const label = c.labels[i] ?? '';
  const base = c.labels[0] ?? '';
  // The broker's verdict is drawn from the broker's figures only; the harness's own health
  // (event-loop delay, send lag, missed slots, signing) is said apart, after it (issue 24, item 7).
  const headline = c.rows.filter((r) => r.headline && !isGeneratorRow(r));
  const worse = headline.filter((r) => r.judgements[i] === 'worse');
  const better = headline.filter((r) => r.judgements[i] === 'better');
  const overall =
    worse.length === 0 && better.length === 0 ? 'no change beyond noise' : worse.length === 0 ? 'better' : better.length === 0 ? 'worse' : 'mixed';
  const parts: string[] = [];
  const latency = (metric: string, what: string): void => {
    const row = find(c, metric);
    if (row !== undefined) parts.push(latencyClause(row, i, what));
  };
  latency('connectUs.p99', 'connects');
  latency('publishAckUs.p99', 'publish → ack');
  const acked = find(c, 'counters.acked');
  if (acked !== undefined) parts.push(countClause(acked, i, 'messages acked'));
  const rate = find(c, 'connect.rate');
  if (rate !== undefined) parts.push(rateClause(rate, i));
  parts.push(errorsClause(c, i));
  // Said above already: connect and publish → ack (every statistic), acks, the connect rate, errors.
  const named = (r: CompareRow): boolean =>
    /^(connectUs|publishAckUs)\./.test(r.metric) || r.metric === 'counters.acked' || r.metric === 'connect.rate' || r.group === 'errors';
  const others = (rows: CompareRow[]): string => briefly(rows.filter((r) => !named(r) && !isGeneratorRow(r)));
  const otherWorse = others(worse);
  const otherBetter = others(better);
  if (otherWorse !== '') parts.push(`also worse: ${otherWorse}`);
  if (otherBetter !== '') parts.push(`also better: ${otherBetter}`);
  const caveats = [...(c.caveats[0] ?? []), ...(c.caveats[i] ?? [])];
  const caution = caveats.length === 0 ? '' : ` Caution: ${caveats.join('; ')}.`;
  return `${label} against ${base} (noise band ±${percent(c.noise)}): broker ${overall}. ${capitalize(parts.join('; '))}.${generatorClause(c, i)}${caution}`;
}

/** The harness's own figures: they judge the generator, never the broker. */
export function isGeneratorRow(row: Pick<CompareRow, 'metric'>): boolean {
  return /^(eventLoopDelayUs|sendLagUs|signUs|lastActionLateUs)\./.test(row.metric) || row.metric === 'counters.missedSlots';
}

/** " Generator (the harness, not the broker): worse: event-loop delay p99 …." or nothing when it held steady. */
function generatorClause(c: Comparison, i: number): string {
  const rows = c.rows.filter((r) => r.headline && isGeneratorRow(r));
  const worse = briefly(rows.filter((r) => r.judgements[i] === 'worse'));
  const better = briefly(rows.filter((r) => r.judgements[i] === 'better'));
  const said = [...(worse === '' ? [] : [`worse: ${worse}`]), ...(better === '' ? [] : [`better: ${better}`])];
  return said.length === 0 ? '' : ` Generator health, apart from the broker's verdict: ${said.join('; ')}.`;
}

/** The finding of `compare --groups` in words: every other group against the first. */
export function groupsVerdict(comparison: Comparison): string {
  return comparison.labels
    .slice(1)
    .map((_, k) => groupVerdict(comparison, k + 1))
    .join('\n\n');
}

function groupVerdict(c: Comparison, i: number): string {
  const a = c.labels[0] ?? '';
  const b = c.labels[i] ?? '';
  const parts: string[] = [];
  const pair = (metric: string, text: (va: string, vb: string) => string, words: readonly [string, string]): void => {
    const row = find(c, metric);
    const va = row?.values[0] ?? null;
    const vb = row?.values[i] ?? null;
    if (row === undefined || va === null || vb === null) return;
    parts.push(`${text(show(va, row), show(vb, row))} (${contrast(row, i, b, words)})`);
  };
  pair('signUs.p50', (va, vb) => `signing a token takes ${a} ${va} and ${b} ${vb} at p50`, ['cheaper', 'dearer']);
  pair('brokerVerifyUs.p50', (va, vb) => `the broker verifies ${a}'s token in ${va} and ${b}'s in ${vb} at p50`, ['cheaper', 'dearer']);
  pair('tokenBytes.perToken', (va, vb) => `a token is ${va} and ${vb}`, ['smaller', 'larger']);
  pair('connectBytes.perConnect', (va, vb) => `a CONNECT ${va} and ${vb}`, ['smaller', 'larger']);
  pair('connectUs.p50', (va, vb) => `connect → CONNACK takes ${va} and ${vb} at p50`, ['faster', 'slower']);
  pair('connectUs.p99', (va, vb) => `${va} and ${vb} at p99`, ['faster', 'slower']);
  // Groups that refreshed tokens (reauth against reconnect, docs/reauth.md): what a refresh cost them.
  if (find(c, 'refreshBytes.perRefresh') !== undefined) {
    pair('refreshBytes.perRefresh', (va, vb) => `a token refresh is ${va} and ${vb} of MQTT on the wire`, ['smaller', 'larger']);
    pair('publishAckUs.p99', (va, vb) => `publish → ack takes ${va} and ${vb} at p99`, ['faster', 'slower']);
    pair('counters.resubscribed', (va, vb) => `subscriptions made again: ${va} and ${vb}`, ['fewer', 'more']);
  }
  const beyond = parts.filter((p) => !p.includes('within noise')).length;
  const caveats = c.caveats[i] ?? [];
  const caution = caveats.length === 0 ? '' : ` Caution: ${caveats.join('; ')}.`;
  if (parts.length === 0)
    return `${b} against ${a}: the reports hold none of sign cost, verify cost, token or CONNECT bytes, connect latency, refresh bytes.${caution}`;
  return `${b} against ${a} in one run (noise band ±${percent(c.noise)}): ${parts.join('; ')}. ${beyond} of ${parts.length} differences are beyond noise.${caution}`;
}

/** `ec 4.7× cheaper` / `within noise, 1.04×`, from the row's ratio of column i to the first. */
function contrast(row: CompareRow, i: number, label: string, [good, bad]: readonly [string, string]): string {
  const ratio = row.ratios[i] ?? null;
  if (ratio === null) return 'no ratio';
  if (row.judgements[i] === 'same') return `within noise, ${times(ratio)}`;
  return ratio < 1 ? `${label} ${times(1 / ratio)} ${good}` : `${label} ${times(ratio)} ${bad}`;
}

function latencyClause(row: CompareRow, i: number, what: string): string {
  const [va, vb] = [row.values[0] ?? null, row.values[i] ?? null];
  if (va === null || vb === null) return `${what}: not in both`;
  const range = `${show(va, row)} → ${show(vb, row)}`;
  const ratio = row.ratios[i] ?? null;
  if (row.judgements[i] === 'same' || ratio === null) return `${what} unchanged at p99 (${range})`;
  return ratio < 1 ? `${what} ${times(1 / ratio)} faster at p99 (${range})` : `${what} ${times(ratio)} slower at p99 (${range})`;
}

function countClause(row: CompareRow, i: number, what: string): string {
  const [va, vb] = [row.values[0] ?? 0, row.values[i] ?? 0];
  if (row.judgements[i] === 'same') return `${what} unchanged (${va} → ${vb})`;
  const change = va === 0 ? '' : ` ${percent(Math.abs(vb - va) / va)}`;
  return `${what}${change} ${vb > va ? 'more' : 'fewer'} (${va} → ${vb})`;
}

function rateClause(row: CompareRow, i: number): string {
  const [va, vb] = [row.values[0] ?? null, row.values[i] ?? null];
  if (va === null || vb === null) return 'connect rate: not in both';
  const range = `${va.toFixed(0)}/s → ${vb.toFixed(0)}/s`;
  if (row.judgements[i] === 'same') return `connect rate unchanged (${range})`;
  return `connect rate ${times(vb / va)} (${range})`;
}

function errorsClause(c: Comparison, i: number): string {
  const rows = c.rows.filter((r) => r.metric.startsWith('errors.') || r.metric.startsWith('connectFailures.'));
  const sum = (k: number): number => rows.reduce((n, r) => n + (r.values[k] ?? 0), 0);
  const [ea, eb] = [sum(0), sum(i)];
  if (ea === 0 && eb === 0) return 'no errors in either';
  const which = rows
    .filter((r) => (r.values[i] ?? 0) > 0)
    .map((r) => `${r.label.replace(/^error: /, '')} ${r.values[i] ?? 0}`)
    .join(', ');
  const judged = rows.map((r) => r.judgements[i]);
  const state = judged.includes('worse') ? 'more errors' : judged.includes('better') ? 'fewer errors' : 'errors unchanged';
  return `${state} (${ea} → ${eb}${which === '' ? '' : `: ${which}`})`;
}

/** Labels, a histogram's statistics said once: `sign (token) p50/p99/p99.9, token size (bytes)`. */
function briefly(rows: readonly CompareRow[]): string {
  const byName = new Map<string, string[]>();
  for (const row of rows) {
    const stat = row.unit === 'us' ? / (\S+)$/.exec(row.label)?.[1] : undefined;
    const name = stat === undefined ? row.label : row.label.slice(0, -stat.length - 1);
    byName.set(name, [...(byName.get(name) ?? []), ...(stat === undefined ? [] : [stat])]);
  }
  return [...byName].map(([name, stats]) => (stats.length === 0 ? name : `${name} ${stats.join('/')}`)).join(', ');
}

function find(c: Comparison, metric: string): CompareRow | undefined {
  return c.rows.find((r) => r.metric === metric);
}

/** A value with its unit: `0.36 ms`, `615 B`, `42/s`, `250`. */
export function show(value: number, row: Pick<CompareRow, 'unit'>): string {
  if (row.unit === 'us') return `${ms(value / 1000)} ms`;
  if (row.unit === 'bytes') return `${Math.round(value)} B`;
  if (row.unit === 'per_sec') return `${value.toFixed(1)}/s`;
  return String(Math.round(value));
}

/** `1.07×`, `4.7×`, `12×`. */
export function times(ratio: number): string {
  return ratio >= 10 ? `${ratio.toFixed(0)}×` : ratio >= 2 ? `${ratio.toFixed(1)}×` : `${ratio.toFixed(2)}×`;
}

function ms(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function percent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(1))}%`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
