/** Hand-made MQTT 3.1.1 bytes for tests that must send what no well-behaved client would. */
import { connect, type Socket } from 'node:net';

export { connectPacket } from '../../bench/raw-connect.js';

function varint(length: number): number[] {
  const out: number[] = [];
  do {
    let byte = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) byte |= 0x80;
    out.push(byte);
  } while (length > 0);
  return out;
}

/** Just a fixed header announcing `length` bytes of body. */
export function fixedHeader(type: number, length: number): Buffer {
  return Buffer.from([type, ...varint(length)]);
}

export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the broker sent until it closed the socket. */
export function readUntilClosed(socket: Socket): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.once('close', () => resolve(Buffer.concat(chunks)));
  });
}
