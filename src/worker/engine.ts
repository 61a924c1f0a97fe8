/**
 * The session engine a scenario chose (`mqtt.engine`): MQTT.js, the default and the reference,
 * or the lean engine on mqtt-packet, for many connections per process. One per worker.
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
