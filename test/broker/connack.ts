/** One raw CONNECT and the CONNACK return code it gets, for tests that send crafted passwords. */
import { connectPacket, openSocket } from './raw-mqtt.js';

/** The CONNACK return code (MQTT 3.1.1 §3.2.2.3), or 'closed' if the broker closed without one. */
export async function connackCode(port: number, clientId: string, password: string): Promise<number | 'closed'> {
  const socket = await openSocket(port);
  try {
    return await new Promise((resolve) => {
      let bytes = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        bytes = Buffer.concat([bytes, chunk]);
        // CONNACK: 0x20, remaining length 2, session present, return code.
        if (bytes.length >= 4) resolve(bytes[0] === 0x20 ? (bytes[3] as number) : 'closed');
      });
      socket.on('error', () => {});
      socket.once('close', () => resolve('closed'));
      socket.write(connectPacket(clientId, password));
    });
  } finally {
    socket.destroy();
  }
}
