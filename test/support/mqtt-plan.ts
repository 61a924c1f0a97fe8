/** An MqttPlan for engine tests: one session against a test broker, no reconnects; `overrides` set what a test is about. */
import type { MqttPlan } from '../../src/scenario/run-plan.js';

export function testMqttPlan(engine: MqttPlan['engine'], overrides: Partial<MqttPlan> = {}): MqttPlan {
  return {
    protocolVersion: 5,
    keepaliveSec: 30,
    connectTimeoutMs: 5000,
    clean: true,
    reconnect: { enabled: false, initialDelayMs: 250, maxDelayMs: 5000, maxAttempts: 1 },
    engine,
    tlsResumption: false,
    auth: { way: 'password' },
    qosAboveMaximum: 'refuse',
    sessionExpirySec: null,
    userProperties: {},
    will: null,
    ...overrides,
  };
}
