/** Typed messages between the coordinator and the embedded broker's worker thread. */
import type { MetricsSnapshot } from '../metrics/snapshot.js';
import type { BrokerOptions } from './broker-options.js';
import type { DeviceRecord } from './registry.js';

/**
 * Everything of BrokerOptions that can cross a thread (no clock; devices come later). With
 * `localCertDir` and no `tls`, the thread makes or reuses the local CA there.
 */
export type BrokerThreadData = Omit<BrokerOptions, 'devices' | 'nowMs'> & { localCertDir?: string };

export type ToBrokerThread = { type: 'register'; id: number; devices: DeviceRecord[] } | { type: 'metrics'; id: number } | { type: 'close'; id: number };

export type FromBrokerThread =
  | { type: 'listening'; host: string; port: number; tlsPort?: number; wsPort?: number; caPem?: string }
  | { type: 'failed'; message: string }
  | { type: 'registered'; id: number; count: number }
  | { type: 'metrics'; id: number; metrics: MetricsSnapshot }
  | { type: 'closed'; id: number; metrics: MetricsSnapshot }
  | { type: 'error'; id: number; message: string };
