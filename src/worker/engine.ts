/**
 * The session engine a scenario chose (`mqtt.engine`): the lean engine on mqtt-packet, the
 * default, for many connections per process, or MQTT.js, the reference. Both pass the same
 * behaviour matrix (test/e2e/behaviour-matrix.test.ts). One per worker.
 */
import type { MqttPlan } from '../scenario/plan.js';
import type { DeviceEndpoint } from './endpoint.js';
import { KeepaliveSweep } from './lean/keepalive-sweep.js';
import { LeanSession } from './lean/lean-session.js';
import type { Session } from './session-api.js';
import { MqttJsSession } from './mqttjs-session.js';

export interface SessionEngine {
  session(deviceId: string, onLost: (reason: string) => void, endpoint: DeviceEndpoint): Session;
  close(): void;
}

export function createEngine(mqttPlan: Pick<MqttPlan, 'engine'>): SessionEngine {
  if (mqttPlan.engine === 'mqttjs') return { session: (deviceId, onLost, endpoint) => new MqttJsSession(deviceId, onLost, endpoint), close: () => {} };
  const sweep = new KeepaliveSweep();
  return { session: (deviceId, onLost, endpoint) => new LeanSession(deviceId, onLost, endpoint, sweep), close: () => sweep.stop() };
}
