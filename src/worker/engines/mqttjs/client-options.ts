/**
 * The MQTT.js options of one device, built by a pure function so that every option is visible,
 * set explicitly and testable without a socket. MQTT.js's defaults would reconnect silently and
 * hide failures, so nothing is left to them.
 */
import type { ConnectionOptions } from 'node:tls';
import type { IClientOptions } from 'mqtt';
import type { MqttPlan } from '../../../scenario/run-plan.js';
import type { BrokerTarget } from '../../messages.js';
import { tlsOptions, webSocketOptions } from '../transport-options.js';
import { connectExtras } from '../message-properties.js';
import { authMethodOf } from '../packet-bytes.js';

/** MQTT.js hands the whole options object to `tls.connect`, so `minVersion` and `secureContext` reach it too. */
export type DeviceClientOptions = IClientOptions & Pick<ConnectionOptions, 'minVersion' | 'secureContext'>;

export function deviceClientOptions(target: BrokerTarget, mqttPlan: MqttPlan, clientId: string, password: string): DeviceClientOptions {
  const scheme = new URL(target.url).protocol.replace(/:$/, '');
  const tls = tlsOptions(target.tls);
  const extras = connectExtras(mqttPlan, clientId);
  // MQTT 5 `auth: method`: the token is Authentication Data, and there is no password (§4.12).
  const authMethod = authMethodOf(mqttPlan);
  const properties = {
    // MQTT 5 §3.1.2.11.2: absent means 0, the session ends with the connection.
    ...(mqttPlan.protocolVersion === 5 && mqttPlan.sessionExpirySec !== null ? { sessionExpiryInterval: mqttPlan.sessionExpirySec } : {}),
    ...(extras.userProperties === undefined ? {} : { userProperties: extras.userProperties }),
    ...(authMethod === undefined ? {} : { authenticationMethod: authMethod, authenticationData: Buffer.from(password, 'utf8') }),
  };
  return {
    clientId,
    // akenza ignores the username; some libraries only send a password when one is set.
    username: 'unused',
    ...(authMethod === undefined ? { password } : {}),
    protocolVersion: mqttPlan.protocolVersion,
    keepalive: mqttPlan.keepaliveSec,
    clean: mqttPlan.clean,
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
    ...(extras.will === undefined ? {} : { will: extras.will }),
    connectTimeout: mqttPlan.connectTimeoutMs,
    reconnectPeriod: 0,
    resubscribe: false,
    queueQoSZero: false,
    timerVariant: 'native',
    ...(scheme === 'mqtts' ? tls : {}),
    ...(scheme === 'ws' || scheme === 'wss' ? { wsOptions: webSocketOptions(scheme, mqttPlan, tls) } : {}),
  };
}
