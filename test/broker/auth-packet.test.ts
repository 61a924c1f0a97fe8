/**
 * The AUTH packet against the MQTT 5 specification's field list (§3.15), as a table: each row's
 * bytes are built here from the specification alone, then decoded by mqtt-packet's parser
 * (software we did not write) and by the lean engine's decoder, and encoded by mqtt-packet and
 * the lean engine's encoder. The AUTH the embedded broker puts on the wire is checked the same way.
 *
 * §3.15.1 fixed header: type 15 in bits 7-4, reserved bits 3-0 all 0, then the Remaining Length.
 * §3.15.2.1 reason code: 0x00 Success (server), 0x18 Continue authentication, 0x19 Re-authenticate
 *   (client); it and the Property Length may be omitted for 0x00 with no properties (length 0).
 * §3.15.2.2 properties: 0x15 Authentication Method (UTF-8 string), 0x16 Authentication Data
 *   (binary data), 0x1F Reason String (UTF-8 string), 0x26 User Property (string pair).
 * §3.15.3 no payload.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mqttPacket from 'mqtt-packet';
import type { RunningBroker } from '../../src/broker/server.js';
import { decodeAuth, reauthFrame } from '../../src/worker/engines/lean/auth-frames.js';
import { splitFrames } from '../../src/worker/engines/lean/frames.js';
import { ecToken, registerEc, startTestBroker } from './helpers.js';
import { openSocket } from './raw-mqtt.js';

interface Row {
  name: string;
  reasonCode: number;
  method?: string;
  data?: Buffer;
  reasonString?: string;
  user?: [string, string];
}

function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

/** §1.5.4 / §1.5.6: a two-byte big-endian length, then the bytes. */
function prefixed(bytes: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** The AUTH bytes of a row, from the specification's field list. */
function specBytes(row: Row): Buffer {
  const properties = Buffer.concat([
    ...(row.method === undefined ? [] : [Buffer.from([0x15]), prefixed(Buffer.from(row.method, 'utf8'))]),
    ...(row.data === undefined ? [] : [Buffer.from([0x16]), prefixed(row.data)]),
    ...(row.reasonString === undefined ? [] : [Buffer.from([0x1f]), prefixed(Buffer.from(row.reasonString, 'utf8'))]),
    ...(row.user === undefined ? [] : [Buffer.from([0x26]), prefixed(Buffer.from(row.user[0])), prefixed(Buffer.from(row.user[1]))]),
  ]);
  const body = Buffer.concat([Buffer.from([row.reasonCode]), varint(properties.length), properties]);
  return Buffer.concat([Buffer.from([0xf0]), varint(body.length), body]);
}

function parseAll(bytes: Buffer): { packets: mqttPacket.Packet[]; error: string | undefined } {
  const parser = mqttPacket.parser({ protocolVersion: 5 });
  const packets: mqttPacket.Packet[] = [];
  let error: string | undefined;
  parser.on('packet', (p) => packets.push(p));
  parser.on('error', (e: Error) => (error ??= e.message));
  parser.parse(bytes);
  return { packets, error };
}

const token = 'eyJhbGciOiJFUzI1NiJ9.eyJleHAiOjF9.c2ln';
const ROWS: Row[] = [
  { name: 'a device re-authenticates: 0x19, method, token as data', reasonCode: 0x19, method: 'CUSTOM-JWT', data: Buffer.from(token) },
  { name: 'the broker accepts: 0x00 with the method', reasonCode: 0x00, method: 'CUSTOM-JWT' },
  {
    name: 'continue: 0x18 with every property',
    reasonCode: 0x18,
    method: 'SCRAM-SHA-1',
    data: Buffer.from([0, 1, 2, 255]),
    reasonString: 'next step',
    user: ['k', 'v'],
  },
  { name: 'a data length past one byte (300 bytes)', reasonCode: 0x19, method: 'M', data: Buffer.alloc(300, 0x41) },
  { name: 'a multi-byte UTF-8 method', reasonCode: 0x19, method: 'jwt-é✓', data: Buffer.from('x') },
];

describe('AUTH packets match §3.15, as mqtt-packet and the lean engine read and write them', () => {
  for (const row of ROWS) {
    it(row.name, () => {
      const bytes = specBytes(row);
      const { packets, error } = parseAll(bytes);
      assert.equal(error, undefined);
      const parsed = packets[0] as mqttPacket.IAuthPacket;
      assert.equal(parsed.cmd, 'auth');
      assert.equal(parsed.reasonCode, row.reasonCode);
      assert.equal(parsed.properties?.authenticationMethod, row.method);
      assert.deepEqual(parsed.properties?.authenticationData, row.data);
      assert.equal(parsed.properties?.reasonString, row.reasonString);
      const user = parsed.properties?.userProperties;
      assert.deepEqual(user === undefined ? undefined : { ...user }, row.user === undefined ? undefined : { [row.user[0]]: row.user[1] });
      // mqtt-packet writes the same bytes, properties in the order given.
      const properties: mqttPacket.IAuthPacket['properties'] = {
        ...(row.method === undefined ? {} : { authenticationMethod: row.method }),
        ...(row.data === undefined ? {} : { authenticationData: row.data }),
        ...(row.reasonString === undefined ? {} : { reasonString: row.reasonString }),
        ...(row.user === undefined ? {} : { userProperties: { [row.user[0]]: row.user[1] } }),
      };
      assert.deepEqual(mqttPacket.generate({ cmd: 'auth', reasonCode: row.reasonCode, properties }, { protocolVersion: 5 }), bytes);
      // The lean decoder reads the body after the fixed header.
      const frame = splitFrames(bytes).frames[0];
      assert.deepEqual([frame?.type, frame?.flags], [15, 0]);
      const decoded = decodeAuth(frame?.body ?? Buffer.alloc(0));
      assert.deepEqual([decoded?.reasonCode, decoded?.method, decoded?.data, decoded?.reasonString], [row.reasonCode, row.method, row.data, row.reasonString]);
    });
  }

  it("the lean engine's AUTH 0x19 is the specification's bytes", () => {
    assert.deepEqual(reauthFrame('CUSTOM-JWT', token), specBytes({ name: '', reasonCode: 0x19, method: 'CUSTOM-JWT', data: Buffer.from(token) }));
  });

  it('refusals: reserved flags, an unknown reason code; and the omitted 0x00 body that mqtt-packet 9.0.2 refuses', () => {
    assert.match(parseAll(Buffer.from([0xf1, 0x02, 0x00, 0x00])).error ?? '', /header flag/, '[MQTT-2.2.2-2]');
    assert.match(parseAll(Buffer.from([0xf0, 0x02, 0x05, 0x00])).error ?? '', /reason code/);
    assert.equal(decodeAuth(Buffer.from([0x05, 0x00])), undefined);
    // §3.15.2.1 allows AUTH with Remaining Length 0 for Success; mqtt-packet 9.0.2 refuses it
    // ("Invalid auth reason code"), so a client on MQTT.js would drop such a broker's answer.
    // The lean decoder takes it; the embedded broker never sends it (it names the method).
    assert.match(parseAll(Buffer.from([0xf0, 0x00])).error ?? '', /Invalid auth reason code/);
    assert.deepEqual(decodeAuth(Buffer.alloc(0)), { reasonCode: 0 });
    // A property not allowed in AUTH (0x11 Session Expiry Interval) is refused by the lean decoder.
    assert.equal(decodeAuth(Buffer.from([0x00, 0x05, 0x11, 0, 0, 0, 1])), undefined);
  });
});

describe("the embedded broker's AUTH on the wire matches §3.15", () => {
  let broker: RunningBroker;
  before(async () => {
    broker = await startTestBroker();
    registerEc(broker, 'dev-a');
  });
  after(() => broker.close());

  it('answers AUTH 0x19 with F0, Remaining Length, 0x00, and only the Authentication Method', async () => {
    const now = Math.floor(Date.now() / 1000);
    const socket = await openSocket(broker.port);
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const connect = mqttPacket.generate(
      {
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 5,
        clean: true,
        clientId: 'dev-a',
        keepalive: 30,
        properties: { authenticationMethod: 'CUSTOM-JWT', authenticationData: Buffer.from(await ecToken('dev-a', now, 600)) },
      },
      { protocolVersion: 5 },
    );
    socket.write(connect);
    const frames = async (count: number): Promise<ReturnType<typeof splitFrames>['frames']> => {
      const endMs = Date.now() + 5000;
      for (;;) {
        const { frames } = splitFrames(Buffer.concat(received));
        if (frames.length >= count) return frames;
        if (Date.now() > endMs) throw new Error(`${frames.length} frames of ${count}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await frames(1);
    socket.write(reauthFrame('CUSTOM-JWT', await ecToken('dev-a', now + 1, 1200)));
    const [, auth] = await frames(2);
    socket.destroy();
    const wire = specBytes({ name: '', reasonCode: 0x00, method: 'CUSTOM-JWT' });
    assert.deepEqual([auth?.type, auth?.flags], [15, 0]);
    assert.deepEqual(Buffer.concat([Buffer.from([0xf0]), varint(auth?.body.length ?? 0), auth?.body ?? Buffer.alloc(0)]), wire);
  });
});
