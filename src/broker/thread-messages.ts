/** Typed messages between the coordinator and the embedded broker's worker thread. */
import type { VerifyPolicy } from '../identity/verify.js';
import type { MetricsSnapshot } from '../metrics/snapshot.js';
import type { DeviceRecord } from './registry.js';

export interface BrokerThreadData {
  host: string;
  port: number;
  policy: VerifyPolicy;
}

export type ToBrokerThread =
  | { type: 'register'; id: number; devices: DeviceRecord[] }
  | { type: 'metrics'; id: number }
  | { type: 'close'; id: number };

export type FromBrokerThread =
  | { type: 'listening'; host: string; port: number }
  | { type: 'failed'; message: string }
  | { type: 'registered'; id: number; count: number }
  | { type: 'metrics'; id: number; metrics: MetricsSnapshot }
  | { type: 'closed'; id: number; metrics: MetricsSnapshot }
  | { type: 'error'; id: number; message: string };
