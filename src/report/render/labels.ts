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
  reauthUs: 'token refresh by re-authentication: AUTH → AUTH 0x00',
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

/** Words people read for the error kinds the harness counts (`errors.<kind>`); the kind itself stays beside them, for grep and thresholds. */
const ERROR_LABELS: Record<string, string> = {
  'not-connected': 'not sent: the device held no connection',
  'ack-timeout': 'no ack in time',
  'lost-in-flight': 'lost in flight (connection dropped before the ack)',
  'publish-failed': 'publish failed',
  'connection-lost': 'connection lost',
  'subscribe-failed': 'subscribe failed',
};

/** `suback-128` → `subscription refused (SUBACK 0x80)`; `refresh-failed.x` → `token refresh failed: x`. */
export function errorLabel(kind: string): string {
  const known = ERROR_LABELS[kind];
  if (known !== undefined) return `${known} (${kind})`;
  // Reports before the reason-code names said `suback-128`; they say `suback.<reason>` now.
  const suback = /^suback-(\d+)$/.exec(kind);
  if (suback !== null) return `subscription refused, SUBACK 0x${Number(suback[1]).toString(16).toUpperCase()} (${kind})`;
  const named = /^(suback|refused|limit)\.(.+)$/.exec(kind);
  if (named !== null) {
    const [, what, reason = ''] = named;
    const phrase = what === 'suback' ? 'subscription refused' : what === 'refused' ? 'publish refused by the broker' : "not sent: over the broker's limit";
    return `${phrase}: ${reason.replaceAll('-', ' ')} (${kind})`;
  }
  const reauth = /^reauth-refused\.(.+)$/.exec(kind);
  if (reauth !== null) return `re-authentication refused: ${(reauth[1] ?? '').replaceAll('-', ' ')} (${kind})`;
  const step = /^(refresh|reconnect|resubscribe)-(failed|gave-up)\.(.+)$/.exec(kind);
  if (step !== null) {
    const [, what = '', outcome, reason = ''] = step;
    return `${what === 'refresh' ? 'token refresh' : what} ${outcome === 'failed' ? 'failed' : 'gave up'}: ${reason} (${kind})`;
  }
  return kind;
}
