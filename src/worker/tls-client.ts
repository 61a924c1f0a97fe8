/**
 * A worker's TLS client state, built once when its task arrives: one SecureContext (trusted CAs,
 * client certificate) shared by every connection, and, when `mqtt.tlsResumption` is on, each
 * device's last session ticket, so its next connection (a token refresh, a reconnect) resumes
 * instead of running the full handshake again [RFC 8446 §2.2].
 *
 * A context per connection parses the PEMs and builds an OpenSSL SSL_CTX (with its own copy of
 * the trust store) for every device: about 0.6 ms of CPU and 20 KiB of memory each, measured in
 * bench/tls.ts. Node's tls.connect ignores ca/cert/key/minVersion when given `secureContext`.
 */
import { createSecureContext, type ConnectionOptions, type SecureContext, type TLSSocket } from 'node:tls';
import type { BrokerTarget, TlsTarget } from './messages.js';

export class TlsClient {
  readonly secureContext: SecureContext;
  /** Last ticket by device id; absent when resumption is off. */
  readonly #sessions: Map<string, Buffer> | undefined;

  constructor(tls: TlsTarget | undefined, resume: boolean) {
    this.secureContext = createSecureContext({
      minVersion: tls?.minVersion ?? 'TLSv1.2',
      ...(tls?.ca === undefined ? {} : { ca: tls.ca }),
      ...(tls?.cert === undefined ? {} : { cert: tls.cert }),
      ...(tls?.key === undefined ? {} : { key: tls.key }),
    });
    this.#sessions = resume ? new Map() : undefined;
  }

  /** The per-connection options: the shared context, and the device's ticket when it has one. */
  connectOptions(deviceId: string): Pick<ConnectionOptions, 'secureContext' | 'session'> {
    const session = this.#sessions?.get(deviceId);
    return session === undefined ? { secureContext: this.secureContext } : { secureContext: this.secureContext, session };
  }

  /** Keeps the tickets the server sends on `socket`, for the device's next connection. */
  remember(deviceId: string, socket: TLSSocket): void {
    const sessions = this.#sessions;
    if (sessions === undefined) return;
    socket.on('session', (ticket: Buffer) => sessions.set(deviceId, ticket));
  }
}

/**
 * Gives a task's target its TLS client, once per worker, when the broker (or one of them) speaks
 * TLS. The client is built here, after the task was cloned into the worker: a SecureContext cannot
 * cross threads.
 */
export function withTlsClient(target: BrokerTarget, resume: boolean): BrokerTarget {
  const urls = target.urls !== undefined && target.urls.length > 0 ? target.urls : [target.url];
  if (!urls.some((url) => /^(mqtts|wss):/.test(url))) return target;
  const tls: TlsTarget = target.tls ?? { minVersion: 'TLSv1.2', rejectUnauthorized: true };
  return { ...target, tls: { ...tls, client: new TlsClient(target.tls, resume) } };
}
