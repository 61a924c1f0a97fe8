/**
 * CONNECT authentication the akenza way: client id = device id, password = a JWT that device
 * signed. Every outcome is counted by reason; every signature check is timed per algorithm.
 */
import type { AuthenticateError, Client } from 'aedes';
import { verifyDeviceToken, type RejectReason, type VerifyPolicy } from '../identity/verify.js';
import { BROKER_METRIC, type BrokerMetrics } from './broker-metrics.js';
import { remoteAddressOf, type OnDenial } from './denials.js';
import type { DeviceRegistry } from './registry.js';

/**
 * CONNACK return codes (MQTT 3.1.1 §3.2.2.3): a password that is missing, too large or not a
 * token at all is "bad user name or password" (4); a token that fails any check is "not
 * authorized" (5). Aedes 2 turns them into 0x86 and 0x87 for an MQTT 5 client (§3.2.2.2).
 */
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;
const MALFORMED: ReadonlySet<RejectReason> = new Set(['missing-password', 'not-jwt', 'token-too-large']);

export function returnCodeFor(reason: RejectReason): 4 | 5 {
  return MALFORMED.has(reason) ? BAD_USERNAME_OR_PASSWORD : NOT_AUTHORIZED;
}

export interface AuthContext {
  registry: DeviceRegistry;
  policy: VerifyPolicy;
  metrics: BrokerMetrics;
  /** Wall clock (epoch ms) for exp and iat; injected so tests can move it. */
  nowMs: () => number;
  /** Whether a session with this client id is connected now (a takeover if so). */
  isConnected: (clientId: string) => boolean;
  /** Called with each accepted client, its token's exp and its key's kid (expiry, re-authentication). */
  onAccepted?: (client: Client, expSec: number, kid: string) => void;
  /** The token a CONNECT presents: the password unless told otherwise (enhanced-auth.ts). */
  tokenOf?: (client: Client, password: Readonly<Buffer | undefined>) => string;
  /** Told of every refusal, for the operator log. */
  onDenial?: OnDenial;
}

type Done = (error: AuthenticateError | null, success: boolean | null) => void;

export function createAuthenticate(context: AuthContext) {
  return (client: Client, _username: Readonly<string | undefined>, password: Readonly<Buffer | undefined>, done: Done): void => {
    const refusalReason = authenticate(context, client, password);
    if (refusalReason === null) return done(null, true);
    context.onDenial?.({
      kind: 'refused',
      clientId: client.id,
      remoteAddress: remoteAddressOf(client),
      reason: refusalReason,
      returnCode: returnCodeFor(refusalReason),
      ...(client.version === 5 ? { mqtt5: true as const } : {}),
    });
    done(refusal(refusalReason), false);
  };
}

/** Returns null when the client may connect, or why not. Never throws. */
function authenticate(context: AuthContext, client: Client, password: Readonly<Buffer | undefined>): RejectReason | null {
  const { registry, policy, metrics } = context;
  const token = context.tokenOf?.(client, password) ?? (password === undefined ? '' : password.toString('utf8'));
  const registration = registry.resolve(client.id, token);
  const startMs = performance.now();
  const outcome = verifyDeviceToken(token, registration, policy, context.nowMs() / 1000);
  if (registration !== undefined && outcome.signatureChecked)
    metrics.recorder.record(BROKER_METRIC.verifyUsPrefix + registration.alg, (performance.now() - startMs) * 1000);
  if (!outcome.ok) {
    metrics.recorder.count(BROKER_METRIC.authRejectedPrefix + outcome.reason);
    return outcome.reason;
  }
  metrics.recorder.count(BROKER_METRIC.authAccepted);
  // [MQTT-3.1.4-2]: the server disconnects the existing client with the same id; Aedes does
  // that when it registers this one, so it is counted here, where both are still known.
  if (context.isConnected(client.id)) metrics.recorder.count(BROKER_METRIC.takeovers);
  context.onAccepted?.(client, outcome.expSec, (registration as { kid: string }).kid);
  return null;
}

function refusal(reason: RejectReason): AuthenticateError {
  // Aedes declares its CONNACK codes as a `const enum` in its types only, so 4 and 5 cannot be
  // named through it at run time; they are the same numbers (MQTT 3.1.1 §3.2.2.3).
  // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
  return Object.assign(new Error(`authentication refused: ${reason}`), { returnCode: returnCodeFor(reason) });
}
