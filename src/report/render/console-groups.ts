/**
 * The groups of a run side by side in the console summary, as `compare --groups` reads them: what
 * each group cost the devices (sign), the broker (verify) and the wire, and how it connected.
 */
import { groupColumns } from './group-columns.js';
import type { RunResult } from '../model/run-result.js';
import { formatTable } from './table.js';

export function formatGroups(result: RunResult): string | undefined {
  const columns = groupColumns(result);
  if (columns.length < 2) return undefined;
  const algOf = new Map(result.scenario.plan.groups.map((g) => [g.name, g.alg.startsWith('RS') || g.alg.startsWith('PS') ? `${g.alg}-${g.rsaBits}` : g.alg]));
  const rows = columns.map(({ label, section }) => {
    const h = (name: string) => section.histograms[name]?.summary;
    const c = section.counters;
    const attempts = c['connectAttempts'] ?? 0;
    const done = h('connectDoneUs');
    return [
      label,
      algOf.get(label) ?? '',
      String(c['connected'] ?? 0),
      us(h('signUs')?.p50),
      us(h('brokerVerifyUs')?.p50),
      ms(h('connectUs')?.p50),
      ms(h('connectUs')?.p99),
      attempts > 0 && c['connectBytes'] !== undefined ? String(Math.round(c['connectBytes'] / attempts)) : '—',
      attempts > 0 && c['connackBytes'] !== undefined ? String(Math.round(c['connackBytes'] / attempts)) : '—',
      done === undefined || done.max <= 0 ? '—' : ((done.count * 1_000_000) / done.max).toFixed(0),
    ];
  });
  const header = [
    'group',
    'alg',
    'connected',
    'sign p50 µs',
    'broker verify p50 µs',
    'connect p50 ms',
    'connect p99 ms',
    'CONNECT B',
    'CONNACK B',
    'connects/s',
  ];
  return `groups\n${formatTable([header, ...rows])}`;
}

function us(value: number | undefined): string {
  return value === undefined ? '—' : String(value);
}

function ms(value: number | undefined): string {
  return value === undefined ? '—' : (value / 1000).toFixed(2);
}
