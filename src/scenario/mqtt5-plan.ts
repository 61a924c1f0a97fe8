/**
 * MQTT 5 properties a scenario sets: user properties of CONNECT and PUBLISH, content type, payload
 * format, message expiry, topic aliases, and the will. Planned here, and refused here before
 * anything connects when they cannot work: a property on a 3.1.1 scenario, a topic alias without
 * MQTT 5, a will delay longer than the session, a template naming what it cannot know.
 */
import { templateNames } from '../util/template.js';
import type { Scenario, ScenarioStage } from './schema.js';
import type { MessagePropertiesPlan, PlanProblem, PublishPropertiesPlan, WillPlan } from './run-plan.js';
import { formatDurationMs } from './units.js';

type Path = (string | number)[];
type MessagePropertiesInput = NonNullable<NonNullable<Scenario['mqtt']['will']>['properties']>;
type PublishPropertiesInput = NonNullable<Extract<ScenarioStage, { type: 'publish' }>['properties']>;

const MQTT5_ONLY = 'is an MQTT 5 property; set mqtt.protocolVersion: 5 (this scenario speaks MQTT 3.1.1)';

/** Placeholders a CONNECT (and its will) can fill: it is sent before any message has a number. */
const CONNECT_NAMES = ['deviceId'];
/** Placeholders of a PUBLISH's user properties. */
const PUBLISH_NAMES = ['deviceId', 'group', 'seq'];

/** The CONNECT's user properties; MQTT 5 only. */
export function planConnectProperties(scenario: Scenario, problems: PlanProblem[]): Record<string, string> {
  const input = scenario.mqtt.userProperties;
  if (input === undefined) return {};
  const path = ['mqtt', 'userProperties'];
  if (scenario.mqtt.protocolVersion !== 5) problems.push({ path, message: `user properties ${MQTT5_ONLY}` });
  checkTemplates(input, CONNECT_NAMES, path, problems);
  return input;
}

/** The will of every device's CONNECT; its delay and properties are MQTT 5 only. */
export function planWill(scenario: Scenario, problems: PlanProblem[]): WillPlan | null {
  const will = scenario.mqtt.will;
  if (will === undefined) return null;
  const path = ['mqtt', 'will'];
  const v5 = scenario.mqtt.protocolVersion === 5;
  checkTemplates({ topic: will.topic, payload: will.payload }, CONNECT_NAMES, path, problems);
  if (/[+#]/.test(will.topic)) problems.push({ path: [...path, 'topic'], message: `a will topic is a topic name, without + or # (got "${will.topic}")` });
  if (will.delay !== undefined) {
    if (!v5) problems.push({ path: [...path, 'delay'], message: `the will delay ${MQTT5_ONLY}` });
    else checkWholeSeconds(will.delay, [...path, 'delay'], problems);
    const sessionMs = scenario.mqtt.sessionExpiry ?? 0;
    // The broker publishes the will when the delay passes or the session ends, whichever is first
    // [MQTT-3.1.3-9]: a longer delay is never waited for, so the scenario would not mean what it says.
    if (v5 && will.delay > sessionMs) {
      problems.push({
        path: [...path, 'delay'],
        message: `${formatDurationMs(will.delay)} is longer than the session expiry (mqtt.sessionExpiry ${scenario.mqtt.sessionExpiry === undefined ? 'not set, 0' : formatDurationMs(sessionMs)}); the broker sends the will when the session ends`,
      });
    }
  }
  let properties: MessagePropertiesPlan | null = null;
  if (will.properties !== undefined) {
    if (!v5) problems.push({ path: [...path, 'properties'], message: `will properties: each ${MQTT5_ONLY}` });
    properties = planMessageProperties(will.properties, [...path, 'properties'], CONNECT_NAMES, problems);
  }
  return {
    topicTemplate: will.topic,
    payloadTemplate: will.payload,
    qos: will.qos,
    retain: will.retain,
    delaySec: will.delay === undefined ? null : Math.round(will.delay / 1000),
    properties,
  };
}

/** A publish stage's properties; MQTT 5 only, topic aliases included. */
export function planPublishProperties(
  input: PublishPropertiesInput | undefined,
  index: number,
  protocolVersion: 4 | 5,
  problems: PlanProblem[],
): PublishPropertiesPlan | null {
  if (input === undefined) return null;
  const path = ['stages', index, 'properties'];
  if (protocolVersion !== 5) {
    for (const [name, value] of Object.entries(input) as [string, unknown][]) {
      if (value === undefined || (name === 'topicAlias' && value === 'off')) continue;
      problems.push({
        path: [...path, name],
        message: name === 'topicAlias' ? 'a topic alias needs MQTT 5; set mqtt.protocolVersion: 5' : `${name} ${MQTT5_ONLY}`,
      });
    }
  }
  return { ...planMessageProperties(input, path, PUBLISH_NAMES, problems), topicAlias: input.topicAlias === 'auto' };
}

function planMessageProperties(input: MessagePropertiesInput, path: Path, names: readonly string[], problems: PlanProblem[]): MessagePropertiesPlan {
  if (input.userProperties !== undefined) checkTemplates(input.userProperties, names, [...path, 'userProperties'], problems);
  if (input.messageExpiry !== undefined) checkWholeSeconds(input.messageExpiry, [...path, 'messageExpiry'], problems);
  return {
    userProperties: input.userProperties ?? {},
    contentType: input.contentType ?? null,
    payloadFormat: input.payloadFormat ?? null,
    messageExpirySec: input.messageExpiry === undefined ? null : Math.round(input.messageExpiry / 1000),
  };
}

/** MQTT 5 intervals are whole seconds (§3.3.2.3.3, §3.1.3.2.2); a fraction would be rounded behind the user's back. */
function checkWholeSeconds(ms: number, path: Path, problems: PlanProblem[]): void {
  if (ms < 1000 || ms % 1000 !== 0) problems.push({ path, message: `must be whole seconds, at least 1s (got ${formatDurationMs(ms)})` });
}

function checkTemplates(templates: Record<string, string>, names: readonly string[], path: Path, problems: PlanProblem[]): void {
  for (const [key, template] of Object.entries(templates)) {
    const unknown = templateNames(template).filter((n) => !names.includes(n));
    if (unknown.length > 0)
      problems.push({ path: [...path, key], message: `{${unknown.join('}, {')}} cannot be filled here; use ${names.map((n) => `{${n}}`).join(', ')}` });
  }
}
