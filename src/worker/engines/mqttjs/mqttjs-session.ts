/**
 * The MQTT.js engine's session (MqttJsSession), the reference engine (`engine: mqttjs`): one
 * simulated device as an MQTT.js client with every option set explicitly (its defaults would
 * reconnect silently and hide failures). Failures are returned as reasons to count, never thrown.
 */
import type { MqttClient, Packet } from 'mqtt';
import type { MqttPlan } from '../../../scenario/run-plan.js';
import { deviceClientOptions } from './client-options.js';
import type { DeviceEndpoint } from '../../endpoint.js';
import type { BrokerTarget } from '../../messages.js';
import { openClient } from './open-client.js';
import { authMethodOf, connectPacketBytes, receivedPacketBytes } from '../packet-bytes.js';
import { connackReason, isFailure, subackReason } from '../reason-codes.js';
import { admitOrRefuse, capabilitiesOf, type BrokerCapabilities } from '../broker-limits.js';
import { failHeld, fitsPacket, newConnection, onPacket, sendAs, sendInWindow, type Connection } from './mqttjs-connection.js';
import { closeAbruptly } from '../close-abruptly.js';
import type { Socket } from 'node:net';
import { connectExtras } from '../message-properties.js';
import { TopicAliases } from '../topic-aliases.js';
import { sendReauth } from './reauth.js';

import {
  publishAfterRefresh,
  type ConnectBytes,
  type ConnectOutcome,
  type LostListener,
  type MessageListener,
  type PublishExtras,
  type PublishOutcomes,
  type ReauthOutcome,
  type Session,
  type SubscribeOutcome,
} from '../session-api.js';

export type { ConnectBytes, ConnectOutcome, MessageListener, SubscribeOutcome } from '../session-api.js';

export { connackReason } from '../connack-reason.js';

export class MqttJsSession implements Session {
  readonly deviceId: string;
  #client: MqttClient | undefined;
  #onLost: LostListener;
  #connection: Connection | undefined;
  #qosAboveMaximum: MqttPlan['qosAboveMaximum'] = 'refuse';
  /** Set while the session reconnects with a fresh token; publishes wait for it. */
  #refreshing: Promise<ConnectOutcome> | undefined;
  #lastConnectBytes: ConnectBytes = { connectBytes: 0, connackBytes: 0 };
  #sessionPresent = false;
  /** This connection's topic aliases (MQTT 5), once its CONNACK gave the broker's maximum; the same policy as the lean engine's. */
  /** Kept so that every new connection (a refresh, a reconnect) delivers as the first one did. */
  readonly #listeners: MessageListener[] = [];

  /** Absent: the target's URL, the kernel's choice of source address. */
  readonly #endpoint: DeviceEndpoint | undefined;

  constructor(deviceId: string, onLost: LostListener, endpoint?: DeviceEndpoint) {
    this.deviceId = deviceId;
    this.#onLost = onLost;
    this.#endpoint = endpoint;
  }

  /** The wire size of the last CONNECT this session sent and of the CONNACK it got. */
  get lastConnectBytes(): ConnectBytes {
    return this.#lastConnectBytes;
  }

  get sessionPresent(): boolean {
    return this.#sessionPresent;
  }

  get capabilities(): BrokerCapabilities | undefined {
    return this.#connection?.capabilities;
  }

  get connected(): boolean {
    return this.#client?.connected === true;
  }

  /** Connected, or reconnecting with a fresh token: a publish will go out. */
  get usable(): boolean {
    return this.connected || this.#refreshing !== undefined;
  }

  /** Opens the connection and resolves once CONNACK (or a failure) arrives. */
  connect(target: BrokerTarget, mqttPlan: MqttPlan, password: string): Promise<ConnectOutcome> {
    const endpoint = this.#endpoint ?? { url: target.url };
    const options = deviceClientOptions(endpoint.url === target.url ? target : { ...target, url: endpoint.url }, mqttPlan, this.deviceId, password);
    return new Promise((resolve) => {
      let settled = false;
      // Only a connection that was up can be lost: a failed attempt is ended here, and MQTT.js
      // clears `disconnecting` again before that close arrives (reconnectPeriod 0, end()'s closeStores).
      let up = false;
      const client = openClient(endpoint, options, target.tls?.client);
      for (const listener of this.#listeners) client.on('message', listener);
      this.#sessionPresent = false;
      this.#qosAboveMaximum = mqttPlan.qosAboveMaximum;
      // Its own window and reasons: a late callback of an earlier connection cannot free a place in this one.
      const authMethod = authMethodOf(mqttPlan);
      const connection = newConnection(client, authMethod);
      this.#connection = connection;
      client.on('packetreceive', (packet: Packet) => onPacket(connection, packet));
      // MQTT.js writes its CONNECT as it opens, before any listener could see it, so it is sized
      // from the same fields (client.ts `connect`); the CONNACK is sized as parsed.
      const bytes: ConnectBytes = (this.#lastConnectBytes = {
        connectBytes: connectPacketBytes({
          clientId: this.deviceId,
          password,
          protocolVersion: mqttPlan.protocolVersion,
          keepaliveSec: mqttPlan.keepaliveSec,
          clean: mqttPlan.clean,
          sessionExpirySec: mqttPlan.sessionExpirySec,
          extras: connectExtras(mqttPlan, this.deviceId),
          authMethod,
        }),
        connackBytes: 0,
      });
      const onReceive = (packet: Packet): void => {
        if (packet.cmd === 'connack') bytes.connackBytes = receivedPacketBytes(packet.length ?? 2);
      };
      client.on('packetreceive', onReceive);
      const settle = (outcome: ConnectOutcome): void => {
        if (settled) return;
        settled = true;
        client.removeListener('packetreceive', onReceive);
        if (!outcome.ok) client.end(true);
        resolve(outcome);
      };
      this.#client = client;
      client.once('connect', (connack) => {
        up = true;
        this.#sessionPresent = connack.sessionPresent;
        // MQTT.js applies Server Keep Alive itself (client.ts `keepalive`); the window and the checks are ours.
        if (mqttPlan.protocolVersion === 5) {
          connection.capabilities = capabilitiesOf(connack.properties);
          connection.window.reset(connection.capabilities.receiveMaximum);
          connection.aliases = new TopicAliases(connection.capabilities.topicAliasMaximum);
        }
        settle({ ok: true });
      });
      client.on('error', (error: Error & { code?: unknown }) => {
        const reason =
          typeof error.code === 'number'
            ? connackReason(error.code, mqttPlan.protocolVersion)
            : typeof error.code === 'string'
              ? error.code
              : /connack timeout/.test(error.message)
                ? 'connect-timeout'
                : 'client-error';
        if (!settled) settle({ ok: false, reason });
      });
      client.on('close', () => {
        if (!settled) settle({ ok: false, reason: 'closed-before-connack' });
        else if (up && this.#client === client && !client.disconnecting) {
          up = false;
          // With reconnectPeriod 0 MQTT.js keeps unacknowledged QoS 1/2 callbacks after an
          // unexpected close; ending the client fails them ('Connection closed'), so they count as lost.
          client.end(true);
          failHeld(connection);
          this.#onLost('connection-lost', connection.serverDisconnect);
        }
        // After the loss is told, so a re-authentication's failure finds the worker already reconnecting.
        if (settled) connection.reauth.closed(connection.serverDisconnect);
      });
    });
  }

  /**
   * Reconnects with a fresh token: DISCONNECT once in-flight messages are acknowledged, then a new
   * CONNECT with the same client id. Publishes issued meanwhile wait and then go out. Listeners
   * carry over; the worker subscribes again (subscriptions.ts).
   */
  async refresh(target: BrokerTarget, mqttPlan: MqttPlan, password: string): Promise<ConnectOutcome> {
    const old = this.#client;
    this.#client = undefined;
    const connection = this.#connection;
    const refreshing = (async (): Promise<ConnectOutcome> => {
      // Publishes still waiting for a place go out first, as the lean engine's do.
      const deadline = performance.now() + mqttPlan.connectTimeoutMs;
      while (connection !== undefined && connection.window.waiting > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      if (old !== undefined) await endGracefully(old, mqttPlan.connectTimeoutMs);
      if (connection !== undefined) failHeld(connection);
      return this.connect(target, mqttPlan, password);
    })();
    this.#refreshing = refreshing;
    try {
      return await refreshing;
    } finally {
      this.#refreshing = undefined;
    }
  }

  /** Sends one message; its outcome goes to `outcomes` when it is acknowledged (QoS 1/2) or written (QoS 0). */
  publish(topic: string, payload: string, qos: 0 | 1 | 2, retain: boolean, ticket: number, outcomes: PublishOutcomes, extras?: PublishExtras): void {
    if (this.#refreshing !== undefined)
      return publishAfterRefresh(this.#refreshing, () => this.publish(topic, payload, qos, retain, ticket, outcomes, extras), ticket, outcomes);
    const client = this.#client;
    const connection = this.#connection;
    if (client === undefined || !client.connected || connection?.client !== client) return outcomes.failed(ticket, new Error('not-connected'));
    const { capabilities } = connection;
    const admitted = admitOrRefuse(capabilities, qos, retain, this.#qosAboveMaximum, ticket, outcomes);
    if (admitted === undefined) return;
    qos = admitted;
    if (qos === 0) {
      if (!fitsPacket(capabilities, topic, payload, 0, retain)) return outcomes.refused(ticket, 'limit.packet-too-large');
      const sent = sendAs(connection, topic, extras);
      client.publish(sent.topic, payload, { qos, retain, ...(sent.properties === undefined ? {} : { properties: sent.properties }) }, (error) =>
        error ? outcomes.failed(ticket, error) : outcomes.published(ticket),
      );
      return;
    }
    // Receive Maximum [MQTT-3.3.4-7]: MQTT.js does not keep it, so the session does.
    if (!connection.window.take()) {
      connection.window.hold({ topic, payload, qos, retain, ticket, outcomes, ...(extras === undefined ? {} : { extras }) });
      return outcomes.heldBack(ticket, connection.window.limit);
    }
    sendInWindow(connection, topic, payload, qos, retain, ticket, outcomes, extras);
  }

  /**
   * Subscribes and resolves once SUBACK grants the filter; a refusal (SUBACK 0x80 in 3.1.1
   * §3.9.3, a reason code of 0x80 or more in MQTT 5 §3.9.3) is returned as a reason. During a
   * refresh it waits, as a publish does, and goes out on the new connection.
   */
  async subscribe(filter: string, qos: 0 | 1 | 2): Promise<SubscribeOutcome> {
    if (this.#refreshing !== undefined) await this.#refreshing;
    const client = this.#client;
    if (client === undefined || !client.connected) return { ok: false, reason: 'not-connected' };
    return new Promise((resolve) => {
      client.subscribe(filter, { qos }, (error) => {
        if (error === null) return resolve({ ok: true });
        // MQTT.js rejects with the SUBACK packet attached (ErrorWithSubackPacket).
        const refused = (error as Error & { packet?: { granted?: number[] } }).packet?.granted?.find(isFailure);
        resolve({ ok: false, reason: refused === undefined ? 'subscribe-failed' : subackReason(refused, client.options.protocolVersion === 5 ? 5 : 4) });
      });
    });
  }

  /** AUTH 0x19 on the open connection (reauth.ts); nothing is sent on a connection made with the password. */
  reauthenticate(token: string, timeoutMs: number): Promise<ReauthOutcome> {
    const client = this.#client;
    const connection = this.#connection;
    if (client === undefined || !client.connected || connection?.client !== client) return Promise.resolve({ ok: false, reason: 'not-connected' });
    const { authMethod } = connection;
    if (authMethod === undefined) return Promise.resolve({ ok: false, reason: 'not-connected' });
    return sendReauth(connection, authMethod, token, timeoutMs);
  }

  /** Every PUBLISH the broker delivers to this session goes to `listener`. */
  onMessage(listener: MessageListener): void {
    this.#listeners.push(listener);
    this.#client?.on('message', listener);
  }

  /**
   * Drops the connection abruptly, as a failing network would: the socket is reset (destroyed
   * where a reset is not possible), no DISCONNECT is sent, and the loss is not counted as an error.
   */
  async drop(): Promise<void> {
    const client = this.#client;
    if (client === undefined) return;
    this.#client = undefined;
    const stream = client.stream as { resetAndDestroy?: () => void; destroy: () => void; destroyed?: boolean };
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    if (typeof stream.resetAndDestroy === 'function') closeAbruptly(stream as Pick<Socket, 'resetAndDestroy' | 'destroy'>);
    else stream.destroy();
    await closed;
    await client.endAsync(true);
  }

  /** Sends DISCONNECT and closes; resolves when the socket is gone. */
  async disconnect(): Promise<void> {
    const client = this.#client;
    if (client === undefined) return;
    this.#client = undefined;
    await client.endAsync(!client.connected);
  }
}

/** DISCONNECT after in-flight messages are acknowledged, or by force once `timeoutMs` has passed. */
async function endGracefully(client: MqttClient, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)));
  const ended = client.endAsync(false).then(() => false);
  if (await Promise.race([ended, timedOut])) await client.endAsync(true);
  clearTimeout(timer);
}
