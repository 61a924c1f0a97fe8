/**
 * A TCP proxy on 127.0.0.1, port 0, in front of an MQTT 5 broker that reads both directions with
 * mqtt-packet and counts, per connection, what the tests need as evidence from the wire: the most
 * QoS 1/2 publishes in flight at once (sent by the client, not yet ended by PUBACK, PUBCOMP or a
 * refusing PUBREC: MQTT 5 §4.9), the PINGREQs the client sent, and the PUBLISH packets it sent;
 * how its CONNECT presented a token, the CONNACK's code, and the AUTH packets it sent.
 * A connection is listed once its CONNECT went through.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';

export interface ConnectionCounts {
  maxInFlight: number;
  pingreqs: number;
  publishes: number;
  /** How the CONNECT presented a token: the Authentication Method it named, or the password. */
  connectAuth: { method: string } | 'password' | 'none';
  /** The CONNACK's reason code (undefined until it came). */
  connackReason?: number;
  /** AUTH packets the client sent. */
  auths: number;
}

export class MqttCountProxy {
  readonly port: number;
  readonly #server: Server;
  readonly #sockets: Set<Socket>;
  readonly connections: ConnectionCounts[];

  private constructor(server: Server, sockets: Set<Socket>, connections: ConnectionCounts[]) {
    this.#server = server;
    this.#sockets = sockets;
    this.connections = connections;
    this.port = (server.address() as AddressInfo).port;
  }

  static async start(targetPort: number): Promise<MqttCountProxy> {
    const sockets = new Set<Socket>();
    const connections: ConnectionCounts[] = [];
    const server = createServer((client) => {
      const upstream = connect({ host: '127.0.0.1', port: targetPort });
      const counts: ConnectionCounts = { maxInFlight: 0, pingreqs: 0, publishes: 0, connectAuth: 'none', auths: 0 };
      const inFlight = new Set<number>();
      const fromClient = mqttPacket.parser({ protocolVersion: 5 });
      const fromBroker = mqttPacket.parser({ protocolVersion: 5 });
      fromClient.on('packet', (packet) => {
        // Only MQTT connections count: the coordinator's reachability check opens a bare TCP one.
        if (packet.cmd === 'connect') {
          const method = packet.properties?.authenticationMethod;
          counts.connectAuth = method !== undefined ? { method } : packet.password !== undefined ? 'password' : 'none';
          connections.push(counts);
        }
        if (packet.cmd === 'auth') counts.auths++;
        if (packet.cmd === 'pingreq') counts.pingreqs++;
        if (packet.cmd !== 'publish') return;
        counts.publishes++;
        if (packet.qos === 0 || packet.messageId === undefined) return;
        inFlight.add(packet.messageId);
        counts.maxInFlight = Math.max(counts.maxInFlight, inFlight.size);
      });
      fromBroker.on('packet', (packet) => {
        if (packet.cmd === 'connack') counts.connackReason = packet.reasonCode ?? packet.returnCode;
        const ends = packet.cmd === 'puback' || packet.cmd === 'pubcomp' || (packet.cmd === 'pubrec' && (packet.reasonCode ?? 0) >= 0x80);
        if (ends && packet.messageId !== undefined) inFlight.delete(packet.messageId);
      });
      for (const parser of [fromClient, fromBroker]) parser.on('error', () => {});
      client.on('data', (chunk: Buffer) => fromClient.parse(chunk));
      upstream.on('data', (chunk: Buffer) => fromBroker.parse(chunk));
      sockets.add(client).add(upstream);
      const end = (): void => {
        sockets.delete(client);
        sockets.delete(upstream);
        client.destroy();
        upstream.destroy();
      };
      for (const socket of [client, upstream]) socket.on('error', end).on('close', end);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new MqttCountProxy(server, sockets, connections);
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
