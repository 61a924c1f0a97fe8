/** Shared wording of progress figures. */
import type { ProgressTick } from '../../coordinator/progress.js';

export function ms(us: number | null): string {
  if (us === null) return '–';
  return us >= 10_000 ? `${(us / 1000).toFixed(0)} ms` : `${(us / 1000).toFixed(2)} ms`;
}

export function duration(msValue: number): string {
  const s = Math.max(0, Math.round(msValue / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** ` (1m20s left)` from work left, work done and the time it took. */
export function etaText(left: number, done: number, elapsedMs: number): string {
  if (done === 0 || left <= 0) return '';
  return ` (${duration((left * elapsedMs) / done)} left)`;
}

export function tickLine(t: ProgressTick): string {
  const eta = t.etaMs === null ? '' : ` · ~${duration(t.etaMs)} left`;
  return `${duration(t.elapsedMs).padStart(6)}  connected ${t.connected}/${t.targetConnected}  published ${t.published}  acked ${t.acked} (${t.ackedPerSec}/s)  p99 ${ms(t.publishAckP99Us)}  errors ${t.errors}${eta}`;
}

export function errorsText(byReason: Record<string, number>): string {
  const entries = Object.entries(byReason);
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k} ${v}`).join(', ');
}
