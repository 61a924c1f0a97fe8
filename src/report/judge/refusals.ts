/**
 * A run that cannot measure anything, in words with its cause first: a connect stage in which
 * every connect failed, named by the CONNACK reason (or socket error) that failed most, with a
 * hint on what to check. The rule counts every failed connect (`connectFailed`), whatever the
 * reason, so it holds for MQTT 3.1.1 return codes and MQTT 5 reason codes alike. Pure: the
 * coordinator stops a run on it (scenario `stopEarly`), and the plan-share verdict names it.
 */
import type { MetricsSection } from '../model/run-result.js';

/** CONNACK reasons that mean the broker did not accept the devices' credentials (MQTT 3.1.1 §3.2.2.3, MQTT 5 §3.2.2.2). */
const CREDENTIAL_REASONS = new Set([
  'not-authorized',
  'bad-username-or-password',
  'bad-authentication-method',
  'identifier-rejected',
  'client-identifier-not-valid',
  'banned',
]);

const CREDENTIALS_HINT =
  "check the broker's credentials: does it know these devices' public keys (`keys export` writes them for it), their alg, and the username and audience their tokens carry?";
const UNREACHABLE_HINT = "check that the broker is up and reachable at the scenario's URL (`broker:` or --broker)";

/** The failure reasons of a section, most frequent first. */
function reasonsOf(section: Pick<MetricsSection, 'connectFailures'>): [string, number][] {
  return Object.entries(section.connectFailures)
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
}

/** The hint for the reason that failed most: credentials for a refusal, reachability otherwise. */
export function refusalHint(reason: string): string {
  return CREDENTIAL_REASONS.has(reason) || reason.startsWith('refused') ? CREDENTIALS_HINT : UNREACHABLE_HINT;
}

/**
 * When every connect of `section` (one connect stage, or the whole run) failed: the reasons and a
 * hint, like `every connect failed (not-authorized 200 of 200): check the broker's credentials…`.
 * Undefined when nothing was attempted or any device connected.
 */
export function allConnectsFailed(section: Pick<MetricsSection, 'counters' | 'connectFailures'>): string | undefined {
  const attempts = section.counters['connectAttempts'] ?? 0;
  const connected = section.counters['connected'] ?? 0;
  if (attempts === 0 || connected > 0) return undefined;
  const reasons = reasonsOf(section);
  const [first] = reasons;
  if (first === undefined) return `none of ${attempts} connects succeeded`;
  const counts = reasons.map(([reason, n]) => `${reason} ${n.toLocaleString('en-US')}`).join(', ');
  return `every connect failed (${counts} of ${attempts.toLocaleString('en-US')}): ${refusalHint(first[0])}`;
}

/** Why a publish stage cannot measure anything: no device holds a connection when it starts. */
export function noneConnectedAtPublish(stageNumber: number, total: Pick<MetricsSection, 'counters' | 'connectFailures'>): string {
  const [first] = reasonsOf(total);
  const cause =
    first === undefined
      ? ''
      : `; connects failed with ${reasonsOf(total)
          .map(([r, n]) => `${r} ${n.toLocaleString('en-US')}`)
          .join(', ')}: ${refusalHint(first[0])}`;
  return `no device connected when publish stage ${stageNumber} was to start${cause}`;
}
