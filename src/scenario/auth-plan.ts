/**
 * How devices present their tokens and swap in fresh ones (issue 23): the token as the password
 * or as MQTT 5 Authentication Data under a method, and refresh by reconnecting or by MQTT 5
 * re-authentication. Refused here, before anything connects, when it cannot work: a method or a
 * re-authentication on MQTT 3.1.1, a re-authentication without a method to continue, a method name
 * that MQTT cannot carry.
 */
import type { Scenario } from './schema.js';
import type { AuthPlan, PlanProblem } from './run-plan.js';

/** A UTF-8 string field holds at most this many bytes (MQTT 5 §1.5.4). */
const MAX_UTF8_BYTES = 65_535;

export function planAuth(scenario: Scenario, problems: PlanProblem[]): AuthPlan {
  const { auth, authMethod, protocolVersion } = scenario.mqtt;
  const v5 = protocolVersion === 5;
  const bytes = Buffer.byteLength(authMethod, 'utf8');
  if (bytes === 0 || bytes > MAX_UTF8_BYTES) {
    problems.push({ path: ['mqtt', 'authMethod'], message: `expected an Authentication Method name of 1 to ${MAX_UTF8_BYTES} bytes of UTF-8 (got ${bytes})` });
  }
  if (auth === 'method' && !v5) {
    problems.push({
      path: ['mqtt', 'auth'],
      message: 'method sends the token as MQTT 5 Authentication Data (§3.1.2.11.9); set mqtt.protocolVersion: 5, or auth: password for MQTT 3.1.1',
    });
  }
  scenario.groups.forEach((group, i) => {
    if (group.token.refresh !== 'reauth') return;
    const path = ['groups', i, 'token', 'refresh'];
    if (!v5) {
      problems.push({
        path,
        message: 'reauth is MQTT 5 re-authentication (AUTH 0x19, §4.12.1); set mqtt.protocolVersion: 5, or refresh: reconnect for MQTT 3.1.1',
      });
    } else if (auth !== 'method') {
      problems.push({
        path,
        message: 'reauth continues the Authentication Method of the CONNECT (§4.12.1), so it needs mqtt.auth: method (a password login cannot re-authenticate)',
      });
    }
  });
  return auth === 'method' ? { way: 'method', method: authMethod } : { way: 'password' };
}
