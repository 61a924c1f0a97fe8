/** Names people read for the histograms the harness records; unknown names show as they are. */
export const HISTOGRAM_LABELS: Record<string, string> = {
  signUs: 'sign (token)',
  brokerVerifyUs: 'broker verify (embedded)',
  connectUs: 'connect → CONNACK',
  connectDoneUs: 'CONNACK since connect stage start',
  publishAckUs: 'publish → ack (from plan)',
  publishAckUncorrectedUs: 'publish → ack (from send)',
  sendLagUs: 'send lag behind plan',
  uplinkUs: 'uplink: send → subscriber',
  downlinkUs: 'downlink: send → device',
  refreshUs: 'token refresh reconnect',
  reconnectUs: 'reconnect downtime (after a storm drop or a lost connection)',
  sessionDrainUs: 'kept session drain: CONNACK → last queued message',
  eventLoopDelayUs: 'event-loop delay (harness)',
  lastActionLateUs: "stage's last action behind plan (one per worker)",
};

/** Histograms measured from the plan, each with its twin measured from the actual send. */
export const UNCORRECTED_TWINS: Record<string, string> = {
  publishAckUs: 'publishAckUncorrectedUs',
};

export function histogramLabel(name: string): string {
  return HISTOGRAM_LABELS[name] ?? name.replace(/Us$/, '');
}

/** Every histogram in a display order: the known ones first, then the rest by name. */
export function orderedHistogramNames(names: Iterable<string>): string[] {
  const all = [...new Set(names)];
  const known = Object.keys(HISTOGRAM_LABELS).filter((n) => all.includes(n));
  return [...known, ...all.filter((n) => !(n in HISTOGRAM_LABELS)).sort()];
}
