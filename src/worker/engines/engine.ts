/**
 * The session engine a scenario chose (`mqtt.engine`): the lean engine on mqtt-packet, the
 * default, for many connections per process, or MQTT.js, the reference. Both pass the same
 * behaviour matrix (test/mosquitto/behaviour-matrix.test.ts). One per worker.
 * Each is loaded only when chosen, so a lean worker never carries MQTT.js in memory, nor the
 * WebSocket client unless one of `target`'s URLs is ws:// or wss://.
 */
import type { MqttPlan } from '../../scenario/run-plan.js';
import type { DeviceEndpoint } from '../endpoint.js';
import type { BrokerTarget } from '../messages.js';
import type { LostListener, Session } from './session-api.js';

/** As much as one read takes from a socket (libuv offers 64 KiB to a read by default). */
const READ_BUFFER_BYTES = 64 * 1024;

export interface SessionEngine {
  session(deviceId: string, onLost: LostListener, endpoint: DeviceEndpoint): Session;
  close(): void;
}

export async function loadEngine(mqttPlan: Pick<MqttPlan, 'engine'>, target: Pick<BrokerTarget, 'url' | 'urls'>): Promise<SessionEngine> {
  if (mqttPlan.engine === 'mqttjs') {
    const { MqttJsSession } = await import('./mqttjs/mqttjs-session.js');
    return { session: (deviceId, onLost, endpoint) => new MqttJsSession(deviceId, onLost, endpoint), close: () => {} };
  }
  const [{ KeepaliveSweep }, { LeanSession }, openTransport] = await Promise.all([
    import('./lean/keepalive-sweep.js'),
    import('./lean/lean-session.js'),
    import('./lean/open-transport.js').then(({ loadTransport }) => loadTransport(target)),
  ]);
  const sweep = new KeepaliveSweep();
  // One read buffer for the worker's plain TCP sockets: a worker is one thread, so one read at a time.
  const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  return {
    session: (deviceId, onLost, endpoint) => new LeanSession(deviceId, onLost, endpoint, sweep, openTransport, readBuffer),
    close: () => sweep.stop(),
  };
}
