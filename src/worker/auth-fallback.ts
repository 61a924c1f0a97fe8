/**
 * Which devices configured for `reauth` fell back to reconnecting, and how they present their
 * token since. A broker that refuses the Authentication Method (CONNACK 0x8C, as mosquitto 2
 * without a plugin does) gets the token as the password from then on; one that took the method but
 * not the AUTH (a DISCONNECT 0x82, no answer) keeps the method and sees reconnects. Each device
 * finds out for itself, as devices in the field would, and is counted once.
 */
import type { MqttPlan } from '../scenario/run-plan.js';
import { METRIC, reauthFallbackCounter } from '../metrics/metric-names.js';
import type { FleetDevice } from './fleet.js';

/** Re-authentication outcomes that say the broker does not do it, rather than that it refused the token. */
const UNSUPPORTED = new Set(['disconnected.protocol-error', 'disconnected.implementation-specific-error', 'closed', 'timeout', 'bad-answer']);

export function reauthUnsupported(reason: string): boolean {
  return UNSUPPORTED.has(reason);
}

export class AuthFallbacks {
  readonly #byReconnect = new Set<number>();
  readonly #byPassword = new Set<number>();
  readonly #passwordPlan: MqttPlan;
  readonly #plan: MqttPlan;

  constructor(plan: MqttPlan) {
    this.#plan = plan;
    this.#passwordPlan = { ...plan, auth: { way: 'password' } };
  }

  /** Does device `index` refresh its token by AUTH 0x19 now? */
  byReauth(index: number, device: FleetDevice): boolean {
    return device.group.token.refresh === 'reauth' && !this.#byReconnect.has(index);
  }

  /** The MQTT plan device `index` connects with: the scenario's, or with the password after a refused method. */
  mqttPlan(index: number): MqttPlan {
    return this.#byPassword.has(index) ? this.#passwordPlan : this.#plan;
  }

  /** A CONNACK refusal the device should answer by connecting again with the password. */
  shouldRetryWithPassword(index: number, device: FleetDevice, reason: string): boolean {
    return (
      reason === 'bad-authentication-method' && device.group.token.refresh === 'reauth' && !this.#byPassword.has(index) && this.#plan.auth.way === 'method'
    );
  }

  /** Device `index` refreshes by reconnecting from now on (and connects with the password, `password`), because of `reason`. */
  fallBack(index: number, device: FleetDevice, reason: string, password: boolean): void {
    if (password) this.#byPassword.add(index);
    if (this.#byReconnect.has(index)) return;
    this.#byReconnect.add(index);
    device.recorder.count(METRIC.reauthFallbacks);
    device.recorder.count(reauthFallbackCounter(reason));
  }
}
