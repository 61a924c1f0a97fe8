/** A real embedded broker on 127.0.0.1, port 0, and real MQTT.js clients for the broker tests. */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { SignJWT } from 'jose';
import { DEFAULT_VERIFY_POLICY, type BrokerOptions } from '../../src/broker/broker-options.js';
import { startBroker, type RunningBroker } from '../../src/broker/server.js';
import { fingerprint, parsePrivateKey, parsePublicKey } from '../../src/identity/keys.js';
import { MetricsTotals } from '../../src/metrics/snapshot.js';
import { vectorFile } from '../helpers.js';

export const EC_PRIVATE = parsePrivateKey(vectorFile('ec_private.pem'), 'ec');
export const EC_PUBLIC_PEM = vectorFile('ec_public.pem');
export const EC_KID = fingerprint(parsePublicKey(EC_PUBLIC_PEM, 'ec'));

export function startTestBroker(overrides: Partial<BrokerOptions> = {}): Promise<RunningBroker> {
  return startBroker({ host: '127.0.0.1', port: 0, policy: DEFAULT_VERIFY_POLICY, connectTimeoutMs: 5000, ...overrides });
}

/** Registers `ids` with the EC test key. */
export function registerEc(broker: RunningBroker, ...ids: string[]): void {
  broker.registry.add(ids.map((deviceId) => ({ deviceId, alg: 'ES256' as const, publicKey: EC_PUBLIC_PEM })));
}

export function ecToken(deviceId: string, nowSec = Math.floor(Date.now() / 1000), lifetimeSec = 1200): Promise<string> {
  return new SignJWT({ iat: nowSec, exp: nowSec + lifetimeSec, aud: `https://akenza.io/devices/${deviceId}` })
    .setProtectedHeader({ alg: 'ES256', kid: EC_KID, typ: 'JWT' })
    .sign(EC_PRIVATE);
}

/** Connects with every MQTT.js option set; resolves with the client or the CONNACK error. */
export function connectClient(url: string, clientId: string, password: string | undefined, extra: IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, {
      clientId,
      username: 'unused',
      ...(password === undefined ? {} : { password }),
      protocolVersion: 4,
      keepalive: 30,
      clean: true,
      connectTimeout: 5000,
      reconnectPeriod: 0,
      ...extra,
    });
    client.once('connect', () => resolve(client));
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
    client.once('close', () => reject(new Error('closed before CONNACK')));
  });
}

/** Resolves when the client's connection closes (the broker closed it). */
export function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => (client.connected ? client.once('close', () => resolve()) : resolve()));
}

export function counter(broker: RunningBroker, name: string): number {
  const totals = new MetricsTotals();
  totals.add(broker.metrics.snapshot());
  return totals.counter(name);
}

/** Polls `condition` every 10 ms up to `limitMs` (a bound, not a timing assertion). */
export async function eventually(condition: () => boolean, limitMs = 5000): Promise<void> {
  const endMs = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > endMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The QoS the broker granted for one filter; 128 (0x80) is a refusal [MQTT-3.9.3]. */
export async function grantedQos(client: MqttClient, filter: string, qos: 0 | 1 | 2): Promise<number> {
  try {
    return (await client.subscribeAsync(filter, { qos }))[0]?.qos ?? -1;
  } catch (error) {
    // MQTT.js rejects a refused filter, carrying the SUBACK it got.
    const granted = (error as { packet?: { granted?: number[] } }).packet?.granted;
    if (granted === undefined) throw error;
    return granted[0] ?? -1;
  }
}
