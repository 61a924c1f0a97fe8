/**
 * A raw MQTT 5 connection for the broker tests: packets made and read by mqtt-packet (software we
 * did not write), so the tests can send what MQTT.js cannot (AUTH 0x19) and see every reply.
 */
import { connect, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';

export class RawMqtt5 {
  readonly #socket: Socket;
  readonly #received: mqttPacket.Packet[] = [];
  #waiting: (() => void) | undefined;
  #closed = false;
  #parseError: Error | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    const parser: mqttPacket.Parser = mqttPacket.parser({ protocolVersion: 5 });
    parser.on('packet', (packet) => {
      this.#received.push(packet);
      this.#wake();
    });
    parser.on('error', (error: Error) => {
      this.#parseError = error;
    });
    socket.on('data', (chunk: Buffer) => parser.parse(chunk));
    socket.on('error', () => {});
    socket.once('close', () => {
      this.#closed = true;
      this.#wake();
    });
  }

  static open(port: number): Promise<RawMqtt5> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => resolve(new RawMqtt5(socket)));
      socket.once('error', reject);
    });
  }

  /** Opens a socket and sends a v5 CONNECT with `properties` (and the password, when given). */
  static async connect(
    port: number,
    clientId: string,
    password: string | undefined,
    properties: mqttPacket.IConnectPacket['properties'] = {},
  ): Promise<RawMqtt5> {
    const session = await RawMqtt5.open(port);
    session.send({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 5,
      clean: true,
      clientId,
      keepalive: 30,
      ...(password === undefined ? {} : { username: 'unused', password: Buffer.from(password) }),
      properties,
    });
    return session;
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(packet: mqttPacket.Packet): void {
    this.#socket.write(mqttPacket.generate(packet, { protocolVersion: 5 }));
  }

  write(bytes: Buffer): void {
    this.#socket.write(bytes);
  }

  /** The next packet the broker sent, or undefined once it closed the socket (bounded wait). */
  async next(limitMs = 5000): Promise<mqttPacket.Packet | undefined> {
    const endMs = Date.now() + limitMs;
    while (this.#received.length === 0 && !this.#closed) {
      if (this.#parseError !== undefined) throw this.#parseError;
      if (Date.now() > endMs) throw new Error('no packet from the broker in time');
      await new Promise<void>((resolve) => {
        this.#waiting = resolve;
        setTimeout(resolve, 50);
      });
    }
    return this.#received.shift();
  }

  /** Resolves once the broker has closed the socket (bounded wait). */
  async untilClosed(limitMs = 5000): Promise<mqttPacket.Packet[]> {
    const rest: mqttPacket.Packet[] = [];
    for (;;) {
      const packet = await this.next(limitMs);
      if (packet === undefined) return rest;
      rest.push(packet);
    }
  }

  close(): void {
    this.#socket.destroy();
  }

  #wake(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.();
  }
}

/** AUTH 0x19 (Re-authenticate) with `token` as Authentication Data. */
export function reauthPacket(method: string, token: string, reasonCode = 0x19): mqttPacket.IAuthPacket {
  return { cmd: 'auth', reasonCode, properties: { authenticationMethod: method, authenticationData: Buffer.from(token) } };
}
