/* eslint-disable max-lines -- one stateful session: connect, publish, subscribe and close share its socket and state; frames, acks, keepalive and auth are in their own files */
/**
 * One device on the lean engine: a bare socket (or, for ws:// and wss://, ws's WebSocket stream),
 * packets encoded by mqtt-packet (MQTT.js's own codec) and decoded by lean/frames.ts, no stores or
 * timers of its own (keepalive is one sweep per worker). It behaves as the MQTT.js session does, at a fraction of its memory per
 * connection (docs/benchmarks.md). Failures are returned as reasons, never thrown.
 */
import { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import mqttPacket from 'mqtt-packet';
import type { MqttPlan } from '../../../scenario/run-plan.js';
import type { DeviceEndpoint } from '../../endpoint.js';
import type { BrokerTarget } from '../../messages.js';
import { authMethodOf, connectPacket, receivedPacketBytes } from '../packet-bytes.js';
import {
  publishAfterRefresh,
  type ConnectBytes,
  type ConnectOutcome,
  type MessageListener,
  type PublishExtras,
  type PublishOutcomes,
  type LostListener,
  type ReauthOutcome,
  type ServerDisconnect,
  type Session,
  type SubscribeOutcome,
} from '../session-api.js';
import { connackReason, disconnectReason, isFailure, NO_MATCHING_SUBSCRIBERS, refusedReason, subackReason } from '../reason-codes.js';
import { admitOrRefuse, fits, type BrokerCapabilities } from '../broker-limits.js';
import { SendWindow, type HeldPublish } from '../send-window.js';
import {
  ackPacket,
  ackReason,
  connackCode,
  decodePublish,
  disconnectReason as decodeDisconnect,
  DISCONNECT,
  PACKET,
  packetId,
  PINGREQ,
  splitFrames,
  subackCodes,
  type Frame,
} from './frames.js';
import { connackCapabilities } from './connack.js';
import type { KeepaliveSweep, Swept } from './keepalive-sweep.js';
import type { OpenTransport } from './open-transport.js';
import { encodePublish } from './publish-frame.js';
import { closeAbruptly } from '../close-abruptly.js';
import { PendingAcks } from './pending-acks.js';
import { connectExtras } from '../message-properties.js';
import { TopicAliases } from '../topic-aliases.js';
import { ReauthExchange } from '../reauth-exchange.js';
import { PROTOCOL_ERROR_DISCONNECT, receiveAuth, sendReauth } from './reauth.js';

const GENERATE = { 4: { protocolVersion: 4 }, 5: { protocolVersion: 5 } } as const;
/** First bytes of PUBACK and PUBCOMP: packet type in the high nibble, flags 0 (§2.2.2). */
const ACK_BYTE = { puback: PACKET.puback << 4, pubcomp: PACKET.pubcomp << 4 } as const;

export class LeanSession implements Session, Swept {
  readonly deviceId: string;
  readonly #onLost: LostListener;
  readonly #endpoint: DeviceEndpoint;
  readonly #sweep: KeepaliveSweep;
  readonly #openTransport: OpenTransport;
  readonly #readBuffer: Buffer | undefined;
  #socket: Duplex | undefined;
  #up = false;
  /** We close this socket ourselves: its close is no loss. */
  #closing = false;
  #rest: Buffer | undefined;
  #version: 4 | 5 = 4;
  #keepaliveMs = 0;
  #lastWriteMs = 0;
  #lastReadMs = 0;
  #pingSentMs = 0;
  #settle: ((outcome: ConnectOutcome) => void) | undefined;
  /** Until the CONNACK; a field, not a local, so the socket's listeners do not keep it alive for the connection's life. */
  #connectTimer: NodeJS.Timeout | undefined;
  /** Resolves when the current socket has closed; one for every caller (a refresh and a disconnect stage may both wait). */
  #closed: { promise: Promise<void>; resolve: () => void } | undefined;
  readonly #acks = new PendingAcks();
  #listener: MessageListener | undefined;
  #refreshing: Promise<ConnectOutcome> | undefined;
  #lastConnectBytes: ConnectBytes = { connectBytes: 0, connackBytes: 0 };
  #sessionPresent = false;
  /** The last CONNACK's capabilities (MQTT 5 only): the limits every publish is checked against. */
  #capabilities: BrokerCapabilities | undefined;
  #qosAboveMaximum: MqttPlan['qosAboveMaximum'] = 'refuse';
  /** Receive Maximum: QoS 1/2 publishes unacknowledged on this connection, and those waiting for a place. */
  readonly #window = new SendWindow<HeldPublish>();
  /** The broker's DISCONNECT on this connection, if it sent one before closing. */
  #serverDisconnect: ServerDisconnect | undefined;
  /** This connection's topic aliases (MQTT 5), once its CONNACK gave the broker's maximum. */
  #aliases: TopicAliases | undefined;
  /** The Authentication Method this connection's CONNECT named (MQTT 5 `auth: method`); undefined: the password. */
  #authMethod: string | undefined;
  readonly #reauth = new ReauthExchange();

  /**
   * `openTransport`: the worker's opener (open-transport.ts), loaded once for its broker URLs.
   * `readBuffer`: the worker's one buffer that plain TCP sockets read into (net's `onread`), so a
   * read allocates nothing and skips the stream's 'data' machinery; bytes in it live only until
   * the next read.
   */
  constructor(deviceId: string, onLost: LostListener, endpoint: DeviceEndpoint, sweep: KeepaliveSweep, openTransport: OpenTransport, readBuffer?: Buffer) {
    this.deviceId = deviceId;
    this.#onLost = onLost;
    this.#endpoint = endpoint;
    this.#sweep = sweep;
    this.#openTransport = openTransport;
    this.#readBuffer = readBuffer;
  }

  get connected(): boolean {
    return this.#up;
  }

  get lastConnectBytes(): ConnectBytes {
    return this.#lastConnectBytes;
  }

  get sessionPresent(): boolean {
    return this.#sessionPresent;
  }

  get capabilities(): BrokerCapabilities | undefined {
    return this.#capabilities;
  }

  get usable(): boolean {
    return this.#up || this.#refreshing !== undefined;
  }

  connect(target: BrokerTarget, mqttPlan: MqttPlan, password: string): Promise<ConnectOutcome> {
    let socket: Duplex;
    try {
      const buffer = this.#readBuffer;
      const onread =
        buffer === undefined
          ? undefined
          : {
              buffer,
              callback: (length: number): boolean => {
                this.#onData(socket, buffer, length, true);
                return true;
              },
            };
      socket = this.#openTransport(this.#endpoint, target.tls, mqttPlan, this.deviceId, onread);
    } catch {
      return Promise.resolve({ ok: false, reason: 'client-error' });
    }
    this.#socket = socket;
    this.#up = false;
    this.#closing = false;
    this.#rest = undefined;
    this.#version = mqttPlan.protocolVersion;
    this.#pingSentMs = 0;
    this.#sessionPresent = false;
    this.#capabilities = undefined;
    this.#serverDisconnect = undefined;
    this.#qosAboveMaximum = mqttPlan.qosAboveMaximum;
    this.#aliases = undefined;
    this.#authMethod = authMethodOf(mqttPlan);
    this.#keepaliveMs = mqttPlan.keepaliveSec * 1000;
    // What waits for the CONNACK (the timer, `resolve`) is dropped once it came; only the
    // listeners below live as long as the socket.
    const settled = new Promise<ConnectOutcome>((resolve) => {
      this.#connectTimer = setTimeout(() => this.#settle?.({ ok: false, reason: 'connect-timeout' }), mqttPlan.connectTimeoutMs);
      this.#settle = (outcome) => {
        this.#settle = undefined;
        clearTimeout(this.#connectTimer);
        this.#connectTimer = undefined;
        if (outcome.ok) {
          this.#up = true;
          if (this.#keepaliveMs > 0) this.#sweep.add(this, this.#lastWriteMs + this.#keepaliveMs);
        } else {
          this.#closing = true;
          socket.destroy();
        }
        resolve(outcome);
      };
    });
    this.#listen(socket);
    const { clean, keepaliveSec, protocolVersion, sessionExpirySec } = mqttPlan;
    const connect = mqttPacket.generate(
      connectPacket({
        clientId: this.deviceId,
        password,
        protocolVersion,
        keepaliveSec,
        clean,
        sessionExpirySec,
        extras: connectExtras(mqttPlan, this.deviceId),
        authMethod: this.#authMethod,
      }),
      GENERATE[protocolVersion],
    );
    this.#lastConnectBytes = { connectBytes: connect.length, connackBytes: 0 };
    this.#writeWhenOpen(socket, connect);
    return settled;
  }

  async refresh(target: BrokerTarget, mqttPlan: MqttPlan, password: string): Promise<ConnectOutcome> {
    const refreshing = (async (): Promise<ConnectOutcome> => {
      await this.#acks.drained(mqttPlan.connectTimeoutMs, () => this.#window.waiting);
      await this.disconnect();
      return this.connect(target, mqttPlan, password);
    })();
    this.#refreshing = refreshing;
    try {
      return await refreshing;
    } finally {
      this.#refreshing = undefined;
    }
  }

  publish(topic: string, payload: string, qos: 0 | 1 | 2, retain: boolean, ticket: number, outcomes: PublishOutcomes, extras?: PublishExtras): void {
    if (this.#refreshing !== undefined)
      return publishAfterRefresh(this.#refreshing, () => this.publish(topic, payload, qos, retain, ticket, outcomes, extras), ticket, outcomes);
    if (!this.#up) return outcomes.failed(ticket, new Error('not-connected'));
    const capabilities = this.#capabilities;
    const admitted = admitOrRefuse(capabilities, qos, retain, this.#qosAboveMaximum, ticket, outcomes);
    if (admitted === undefined) return;
    qos = admitted;
    if (qos === 0) {
      const packet = this.#encode(topic, payload, 0, retain, 0, extras);
      if (!fits(capabilities, packet.length)) return outcomes.refused(ticket, 'limit.packet-too-large');
      this.#write(packet);
      return outcomes.published(ticket);
    }
    // Receive Maximum [MQTT-3.3.4-7]: beyond it the publish waits for an ack to free a place.
    if (!this.#window.take()) {
      this.#window.hold({ topic, payload, qos, retain, ticket, outcomes, ...(extras === undefined ? {} : { extras }) });
      return outcomes.heldBack(ticket, this.#window.limit);
    }
    this.#sendInWindow(topic, payload, qos, retain, ticket, outcomes, extras);
  }

  /** A QoS 1/2 publish that holds a place in the window. */
  #sendInWindow(topic: string, payload: string, qos: 1 | 2, retain: boolean, ticket: number, outcomes: PublishOutcomes, extras?: PublishExtras): void {
    const id = this.#acks.open(ticket, outcomes);
    const packet = this.#encode(topic, payload, qos, retain, id, extras);
    if (fits(this.#capabilities, packet.length)) return this.#write(packet);
    // [MQTT-3.1.2-24]: never sent; its place goes to the next.
    this.#acks.refuse(id, 'limit.packet-too-large', undefined);
    this.#release();
  }

  /** An ack freed a place in the window: the publish that waited longest goes now. */
  #release(): void {
    const next = this.#window.release();
    if (next !== undefined) this.#sendInWindow(next.topic, next.payload, next.qos, next.retain, next.ticket, next.outcomes, next.extras);
  }

  /** The PUBLISH as sent: the hand-written frame, or with MQTT 5 properties (and a topic alias) through mqtt-packet. */
  #encode(topic: string, payload: string, qos: 0 | 1 | 2, retain: boolean, id: number, extras: PublishExtras | undefined): Buffer {
    return extras === undefined || this.#version !== 5
      ? encodePublish(topic, payload, qos, retain, id, this.#version)
      : this.#publishWith(topic, payload, qos, retain, id, extras);
  }

  /** An MQTT 5 PUBLISH with properties, encoded by mqtt-packet; its topic aliased when asked and the broker allows. */
  #publishWith(topic: string, payload: string, qos: 0 | 1 | 2, retain: boolean, id: number, extras: PublishExtras): Buffer {
    let properties = extras.properties;
    let sent = topic;
    if (extras.topicAlias && this.#aliases !== undefined) {
      const aliased = this.#aliases.use(topic);
      if (aliased.alias > 0) {
        sent = aliased.topic;
        properties = { ...properties, topicAlias: aliased.alias };
      }
    }
    return mqttPacket.generate(
      { cmd: 'publish', topic: sent, payload, qos, retain, dup: false, ...(qos === 0 ? {} : { messageId: id }), properties },
      GENERATE[5],
    );
  }

  /** As a publish, a subscribe issued during a refresh waits and goes out on the new connection. */
  async subscribe(filter: string, qos: 0 | 1 | 2): Promise<SubscribeOutcome> {
    if (this.#refreshing !== undefined) await this.#refreshing;
    if (!this.#up) return { ok: false, reason: 'not-connected' };
    const { id, acked } = this.#acks.openSubscribe();
    this.#write(mqttPacket.generate({ cmd: 'subscribe', messageId: id, subscriptions: [{ topic: filter, qos }] }, GENERATE[this.#version]));
    try {
      // A refusal is a code of 0x80 or more: 3.1.1 §3.9.3, MQTT 5 §3.9.3.
      const refused = (await acked).find(isFailure);
      return refused === undefined ? { ok: true } : { ok: false, reason: subackReason(refused, this.#version) };
    } catch {
      return { ok: false, reason: 'subscribe-failed' };
    }
  }

  onMessage(listener: MessageListener): void {
    this.#listener = listener;
  }

  reauthenticate(token: string, timeoutMs: number): Promise<ReauthOutcome> {
    const method = this.#authMethod;
    if (!this.#up || method === undefined) return Promise.resolve({ ok: false, reason: 'not-connected' });
    return sendReauth(this.#reauth, method, token, timeoutMs, (frame) => this.#write(frame));
  }

  /** Drops the connection abruptly: the socket is reset, no DISCONNECT, and the close is no loss. */
  async drop(): Promise<void> {
    const socket = this.#socket;
    if (socket === undefined || socket.destroyed) return;
    // Already closing (a refresh and a disconnect stage at once): wait for the same close.
    if (this.#closed !== undefined) return this.#closed.promise;
    this.#closing = true;
    const closed = this.#whenClosed();
    // A TCP reset where there is a TCP socket of our own; a WebSocket is terminated (destroyed).
    if (socket instanceof Socket) closeAbruptly(socket);
    else socket.destroy();
    await closed;
  }

  async disconnect(): Promise<void> {
    const socket = this.#socket;
    if (socket === undefined || socket.destroyed) return;
    // Already closing (a refresh and a disconnect stage at once): wait for the same close.
    if (this.#closed !== undefined) return this.#closed.promise;
    this.#closing = true;
    const closed = this.#whenClosed();
    if (this.#up) socket.end(DISCONNECT);
    else socket.destroy();
    await closed;
  }

  /**
   * PINGREQ after a keepalive interval without writing (the broker's rule, §3.1.2.10) or without
   * hearing anything (a QoS 0 publisher hears nothing else); a PINGREQ unanswered for a whole
   * interval means the connection is dead, and it is closed as lost.
   */
  sweep(nowMs: number): number | undefined {
    if (!this.#up || this.#keepaliveMs === 0) return undefined;
    const pingOutstanding = this.#pingSentMs > this.#lastReadMs;
    if (pingOutstanding) {
      if (nowMs - this.#pingSentMs < this.#keepaliveMs) return this.#pingSentMs + this.#keepaliveMs;
      this.#socket?.destroy();
      return undefined;
    }
    const quietSinceMs = Math.min(this.#lastWriteMs, this.#lastReadMs);
    if (nowMs - quietSinceMs < this.#keepaliveMs) return quietSinceMs + this.#keepaliveMs;
    this.#write(PINGREQ);
    this.#pingSentMs = this.#lastWriteMs;
    return this.#pingSentMs + this.#keepaliveMs;
  }

  /** The socket's listeners, for its whole life: closures over the session and the socket alone. */
  #listen(socket: Duplex): void {
    // Plain TCP reads into the worker's read buffer (onread, above); other transports emit 'data'.
    socket.on('data', (chunk: Buffer) => this.#onData(socket, chunk, chunk.length, false));
    socket.on('error', (error: NodeJS.ErrnoException) => this.#settle?.({ ok: false, reason: error.code ?? 'client-error' }));
    socket.on('close', () => this.#onClose(socket));
  }

  /**
   * The CONNECT goes out once the transport is up (over TLS, after the handshake), as a bare client
   * sends it. Written earlier, Node queues it in the connecting socket with a `connect` and a `close`
   * listener of its own, and the socket's `close` listener list keeps the room it grew to for its life.
   * A WebSocket stream buffers until the WebSocket is open by itself.
   */
  #writeWhenOpen(socket: Duplex, packet: Buffer): void {
    const opened = socket instanceof TLSSocket ? 'secureConnect' : socket instanceof Socket && socket.connecting ? 'connect' : undefined;
    if (opened === undefined) this.#write(packet);
    else socket.once(opened, () => this.#write(packet));
  }

  #whenClosed(): Promise<void> {
    if (this.#closed === undefined) {
      let resolve = (): void => {};
      const promise = new Promise<void>((done) => (resolve = done));
      this.#closed = { promise, resolve };
    }
    return this.#closed.promise;
  }

  #write(packet: Buffer): void {
    this.#lastWriteMs = performance.now();
    this.#socket?.write(packet);
  }

  /**
   * `length` bytes of `chunk` arrived. `inReadBuffer`: they lie in the worker's read buffer, which
   * the next read overwrites, so whatever outlives this call is copied out first.
   */
  #onData(socket: Duplex, chunk: Buffer, length: number, inReadBuffer: boolean): void {
    if (socket !== this.#socket) return;
    this.#lastReadMs = performance.now();
    let buffer = chunk;
    let end = length;
    if (this.#rest !== undefined) {
      buffer = Buffer.concat([this.#rest, chunk.subarray(0, length)]);
      end = buffer.length;
      inReadBuffer = false;
    }
    // A publisher reads little but PUBACKs (PUBCOMPs at QoS 2): 4 bytes each with a remaining
    // length of 2 (3.1.1 §3.4, §3.7; MQTT 5 §3.4.2.1 omits a success reason code). They are settled
    // where they lie, with no frame objects; anything else goes through splitFrames below.
    let at = 0;
    while (end - at >= 4 && buffer[at + 1] === 2 && (buffer[at] === ACK_BYTE.puback || buffer[at] === ACK_BYTE.pubcomp)) {
      if (this.#acks.settle(buffer.readUInt16BE(at + 2))) this.#release();
      at += 4;
    }
    if (at === end) {
      this.#rest = undefined;
      return;
    }
    const left = inReadBuffer ? Buffer.from(buffer.subarray(at, end)) : buffer.subarray(at, end);
    let frames: Frame[];
    try {
      const split = splitFrames(left);
      frames = split.frames;
      // A copy, so a large chunk is not kept alive by its unfinished tail.
      this.#rest = split.rest === undefined ? undefined : Buffer.from(split.rest);
    } catch {
      socket.destroy();
      return;
    }
    for (const frame of frames) this.#onFrame(frame);
  }

  #onFrame({ type, flags, body }: Frame): void {
    switch (type) {
      case PACKET.connack: {
        this.#lastConnectBytes = { ...this.#lastConnectBytes, connackBytes: receivedPacketBytes(body.length) };
        const code = connackCode(body);
        // Connect Acknowledge Flags, bit 0: Session Present (3.1.1 §3.2.2.2, MQTT 5 §3.2.2.1.1).
        this.#sessionPresent = code === 0 && ((body[0] ?? 0) & 0x01) === 1;
        if (code === 0) {
          const capabilities = this.#version === 5 ? connackCapabilities(body) : undefined;
          this.#adopt(capabilities);
          if (capabilities !== undefined) this.#aliases = new TopicAliases(capabilities.topicAliasMaximum);
        }
        this.#settle?.(code === 0 ? { ok: true } : { ok: false, reason: connackReason(code, this.#version) });
        return;
      }
      case PACKET.puback:
      case PACKET.pubcomp:
        return this.#onAck(body, false);
      case PACKET.pubrec:
        return this.#onAck(body, true);
      case PACKET.disconnect: {
        const { code, reasonString } = decodeDisconnect(body);
        this.#serverDisconnect = { reason: disconnectReason(code), ...(reasonString === undefined ? {} : { reasonString }) };
        return;
      }
      case PACKET.auth:
        if (receiveAuth(this.#reauth, body, this.#authMethod) === 'protocol-error') this.#socket?.end(PROTOCOL_ERROR_DISCONNECT);
        return;
      case PACKET.pubrel:
        return this.#write(ackPacket(PACKET.pubcomp, packetId(body)));
      case PACKET.suback:
        return this.#acks.settleSubscribe(packetId(body), subackCodes(body, this.#version));
      case PACKET.publish:
        return this.#onPublish(flags, body);
    }
  }

  /**
   * A PUBACK or PUBCOMP (`pubrec` false) or a PUBREC. MQTT 5 carries a reason code after the packet
   * id (§3.4.2.1, §3.5.2.1, §3.7.2.1): 0x80 or more refuses the publish, and a refused PUBREC ends
   * the QoS 2 exchange with no PUBREL (§4.3.3); 0x10 accepts it with no subscriber to send it to.
   */
  #onAck(body: Buffer, pubrec: boolean): void {
    const id = packetId(body);
    const { code, reasonString } = body.length > 2 ? ackReason(body) : { code: 0, reasonString: undefined };
    if (isFailure(code)) {
      if (this.#acks.refuse(id, refusedReason(code), reasonString)) this.#release();
      return;
    }
    if (!pubrec) {
      if (this.#acks.settle(id, code === NO_MATCHING_SUBSCRIBERS)) this.#release();
      return;
    }
    if (code === NO_MATCHING_SUBSCRIBERS) this.#acks.markNoSubscribers(id);
    this.#write(ackPacket(PACKET.pubrel, id));
  }

  /**
   * A new connection's limits: MQTT 5's CONNACK sets the window to the broker's Receive Maximum
   * and the keepalive to its Server Keep Alive, if it sent one [MQTT-3.2.2-21]; MQTT 3.1.1 has
   * neither.
   */
  #adopt(capabilities: BrokerCapabilities | undefined): void {
    this.#capabilities = capabilities;
    this.#window.reset(capabilities?.receiveMaximum ?? Number.POSITIVE_INFINITY);
    const serverKeepAliveSec = capabilities?.serverKeepAliveSec;
    if (serverKeepAliveSec != null) this.#keepaliveMs = serverKeepAliveSec * 1000;
  }

  #onPublish(flags: number, body: Buffer): void {
    const message = decodePublish(flags, body, this.#version);
    if (message.qos === 1) this.#write(ackPacket(PACKET.puback, message.id));
    else if (message.qos === 2) this.#write(ackPacket(PACKET.pubrec, message.id));
    this.#listener?.(message.topic, message.payload);
  }

  #onClose(socket: Duplex): void {
    if (socket !== this.#socket) return;
    this.#sweep.delete(this);
    const wasUp = this.#up;
    this.#up = false;
    this.#socket = undefined;
    this.#rest = undefined;
    // The same words MQTT.js uses, so the worker counts these as lost in flight either way.
    const closed = new Error('Connection closed');
    this.#acks.failAll(closed);
    for (const held of this.#window.takeHeld()) held.outcomes.failed(held.ticket, closed);
    this.#settle?.({ ok: false, reason: 'closed-before-connack' });
    this.#closed?.resolve();
    this.#closed = undefined;
    if (wasUp && !this.#closing) this.#onLost('connection-lost', this.#serverDisconnect);
    // After the loss is told, so a re-authentication's failure finds the worker already reconnecting.
    this.#reauth.closed(this.#serverDisconnect);
  }
}
