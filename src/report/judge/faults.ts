/**
 * What went wrong with the connections during a run, in words: lost connections (the broker went
 * away or dropped devices), how many devices came back and how long they were down, messages lost
 * in flight. Read from the counters, so any saved RunResult can be described again later.
 */
import type { MetricsSection } from '../model/run-result.js';

export interface FaultsNote {
  connectionsLost: number;
  reconnects: number;
  gaveUp: number;
  lostInFlight: number;
  notConnected: number;
  /** The downtime histogram's p50 and max, microseconds; null when nobody came back. */
  downtimeP50Us: number | null;
  downtimeMaxUs: number | null;
}

export function faultsOf(total: MetricsSection): FaultsNote | undefined {
  const connectionsLost = total.errors['connection-lost'] ?? 0;
  if (connectionsLost === 0) return undefined;
  const downtime = total.histograms['reconnectUs']?.summary;
  return {
    connectionsLost,
    reconnects: total.counters['reconnects'] ?? 0,
    gaveUp: total.counters['reconnectGaveUp'] ?? 0,
    lostInFlight: total.errors['lost-in-flight'] ?? 0,
    notConnected: total.errors['not-connected'] ?? 0,
    downtimeP50Us: downtime === undefined || downtime.count === 0 ? null : downtime.p50,
    downtimeMaxUs: downtime === undefined || downtime.count === 0 ? null : downtime.max,
  };
}

/** One sentence for the summary; undefined when no connection was lost. */
export function describeFaults(total: MetricsSection): string | undefined {
  const f = faultsOf(total);
  if (f === undefined) return undefined;
  const seconds = (us: number | null): string => (us === null ? '?' : `${(us / 1e6).toFixed(1)} s`);
  const back =
    f.reconnects === 0
      ? 'none came back'
      : `${f.reconnects} came back${f.reconnects >= f.connectionsLost && f.gaveUp === 0 ? ', so the broker went away and came back' : ''} (down p50 ${seconds(f.downtimeP50Us)}, longest ${seconds(f.downtimeMaxUs)})`;
  const gaveUp = f.gaveUp > 0 ? `; ${f.gaveUp} gave up after their reconnect attempts` : '';
  const lost = `; ${f.lostInFlight} messages lost in flight, ${f.notConnected} not sent while disconnected`;
  return `CONNECTIONS LOST: ${f.connectionsLost} connections were lost during the run; ${back}${gaveUp}${lost}.`;
}
