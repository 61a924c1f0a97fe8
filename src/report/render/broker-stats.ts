/** The embedded broker's own metrics as console text: verify times, auth outcomes, traffic. */
import { summarizeHistogram } from '../../metrics/histogram.js';
import type { MetricsTotals } from '../../metrics/snapshot.js';

const VERIFY_PREFIX = 'verifyUs.';
const REJECTED_PREFIX = 'auth.rejected.';
const REAUTH_REFUSED_PREFIX = 'reauth.refused.';

export function formatBrokerStats(totals: MetricsTotals): string {
  const c = (name: string): number => totals.counter(name);
  const lines: string[] = [];
  const rejected = Object.entries(totals.counters).filter(([k]) => k.startsWith(REJECTED_PREFIX));
  const rejectedTotal = rejected.reduce((n, [, v]) => n + v, 0);
  lines.push(
    `auth accepted ${c('auth.accepted')} · rejected ${rejectedTotal}${rejected.length > 0 ? ` (${rejected.map(([k, v]) => `${k.slice(REJECTED_PREFIX.length)} ${v}`).join(', ')})` : ''}`,
  );
  lines.push(
    `sessions ${c('connections')} · disconnects ${c('disconnections')} · takeovers ${c('takeovers')} · expired ${c('expiry.disconnected')} · ` +
      `acl denied ${c('acl.denied.publish') + c('acl.denied.subscribe') + c('acl.denied.qos')}`,
  );
  const reauthRefused = Object.entries(totals.counters).filter(([k]) => k.startsWith(REAUTH_REFUSED_PREFIX));
  if (c('reauth.accepted') > 0 || reauthRefused.length > 0) {
    const refusedTotal = reauthRefused.reduce((n, [, v]) => n + v, 0);
    const detail = reauthRefused.length > 0 ? ` (${reauthRefused.map(([k, v]) => `${k.slice(REAUTH_REFUSED_PREFIX.length)} ${v}`).join(', ')})` : '';
    lines.push(`re-authentications (AUTH 0x19) accepted ${c('reauth.accepted')} · refused ${refusedTotal}${detail}`);
  }
  lines.push(`messages in ${c('messagesIn')} · out ${c('messagesOut')} · bytes in ${c('bytesIn')} · out ${c('bytesOut')}`);
  for (const [name, histogram] of [...totals.histograms()].filter(([n]) => n.startsWith(VERIFY_PREFIX)).sort(([a], [b]) => a.localeCompare(b))) {
    const s = summarizeHistogram(histogram);
    if (s.count === 0) continue;
    lines.push(`verify ${name.slice(VERIFY_PREFIX.length)} (µs): count ${s.count} · p50 ${s.p50} · p99 ${s.p99} · max ${s.max}`);
  }
  return lines.join('\n');
}
