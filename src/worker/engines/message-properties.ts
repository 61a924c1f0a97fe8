/**
 * The MQTT 5 properties a scenario sets, rendered for one device in the shapes of mqtt-packet (the
 * codec of both engines): the CONNECT's user properties and will (§3.1.2.11, §3.1.3.2), and each
 * PUBLISH's properties (§3.3.2.3). Both engines send what these return, so they send the same bytes.
 */
import type mqttPacket from 'mqtt-packet';
import type { MessagePropertiesPlan, MqttPlan } from '../../scenario/run-plan.js';
import { renderTemplate, type TemplateValues } from '../../util/template.js';

export type Will = NonNullable<mqttPacket.IConnectPacket['will']>;
type WillProperties = NonNullable<Will['properties']>;

/** What a CONNECT carries besides the fields every device sends; rendered for `deviceId`. */
export interface ConnectExtras {
  userProperties?: Record<string, string>;
  will?: Will;
}

/** A PUBLISH's properties, rendered for one message; no topic alias (topic-aliases.ts adds it). */
export type PublishProperties = NonNullable<mqttPacket.IPublishPacket['properties']>;

export function connectExtras(mqtt: Pick<MqttPlan, 'protocolVersion' | 'userProperties' | 'will'>, deviceId: string): ConnectExtras {
  const values = { deviceId };
  const extras: ConnectExtras = {};
  if (mqtt.protocolVersion === 5 && Object.keys(mqtt.userProperties).length > 0) extras.userProperties = renderAll(mqtt.userProperties, values);
  const will = mqtt.will;
  if (will !== null) {
    extras.will = {
      topic: renderTemplate(will.topicTemplate, values),
      payload: Buffer.from(renderTemplate(will.payloadTemplate, values)),
      qos: will.qos,
      retain: will.retain,
    };
    if (mqtt.protocolVersion === 5) {
      const properties: WillProperties = will.properties === null ? {} : messageProperties(will.properties, values);
      if (will.delaySec !== null) properties.willDelayInterval = will.delaySec;
      if (Object.keys(properties).length > 0) extras.will.properties = properties;
    }
  }
  return extras;
}

/** One message's properties; user property values are templates ({deviceId}, {group}, {seq}). */
export function messageProperties(plan: MessagePropertiesPlan, values: TemplateValues): PublishProperties {
  const properties: PublishProperties = {};
  if (Object.keys(plan.userProperties).length > 0) properties.userProperties = renderAll(plan.userProperties, values);
  if (plan.contentType !== null) properties.contentType = plan.contentType;
  if (plan.payloadFormat !== null) properties.payloadFormatIndicator = plan.payloadFormat === 'utf8';
  if (plan.messageExpirySec !== null) properties.messageExpiryInterval = plan.messageExpirySec;
  return properties;
}

function renderAll(templates: Record<string, string>, values: TemplateValues): Record<string, string> {
  const rendered: Record<string, string> = {};
  for (const [name, template] of Object.entries(templates)) rendered[name] = renderTemplate(template, values);
  return rendered;
}
