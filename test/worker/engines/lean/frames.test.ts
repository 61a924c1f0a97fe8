import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import mqttPacket from 'mqtt-packet';
import { ackReason, decodePublish, disconnectReason, splitFrames, subackCodes } from '../../../../src/worker/engines/lean/frames.js';

describe('lean frames', () => {
  it('splits whole frames out of a stream cut anywhere, keeping the unfinished tail', () => {
    const big = mqttPacket.generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(300, 1), qos: 1, messageId: 7, retain: false, dup: false });
    const stream = Buffer.concat([Buffer.from([0x20, 0x02, 0x00, 0x00]), big, Buffer.from([0xd0, 0x00])]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const first = splitFrames(stream.subarray(0, cut));
      const second = splitFrames(Buffer.concat([first.rest ?? Buffer.alloc(0), stream.subarray(cut)]));
      const frames = [...first.frames, ...second.frames];
      assert.deepEqual(
        frames.map((f) => f.type),
        [2, 3, 13],
        `cut at ${cut}`,
      );
      assert.equal(second.rest, undefined);
      assert.equal(frames[1]?.body.length, big.length - 3); // two length bytes: 300 + 6 > 127
    }
  });

  it('decodes PUBLISH and SUBACK as mqtt-packet encodes them, MQTT 3.1.1 and 5', () => {
    for (const protocolVersion of [4, 5] as const) {
      const publish = mqttPacket.generate(
        {
          cmd: 'publish',
          topic: '/up/device/id/a',
          payload: Buffer.from('{"ts":1}'),
          qos: 1,
          messageId: 513,
          retain: false,
          dup: false,
          ...(protocolVersion === 5 ? { properties: { contentType: 'json' } } : {}),
        },
        { protocolVersion },
      );
      const [frame] = splitFrames(publish).frames;
      const message = decodePublish(frame!.flags, frame!.body, protocolVersion);
      assert.deepEqual({ ...message, payload: message.payload.toString() }, { topic: '/up/device/id/a', qos: 1, id: 513, payload: '{"ts":1}' });
      const suback = mqttPacket.generate(
        { cmd: 'suback', messageId: 9, granted: [1, 128], ...(protocolVersion === 5 ? { properties: { reasonString: 'no' } } : {}) },
        { protocolVersion },
      );
      assert.deepEqual(subackCodes(splitFrames(suback).frames[0]!.body, protocolVersion), [1, 128]);
    }
  });

  it('refuses a remaining length longer than four bytes', () => {
    assert.throws(() => splitFrames(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])), /malformed/);
  });

  it("reads an MQTT 5 ack's reason code and Reason String, and a DISCONNECT's, as mqtt-packet encodes them", () => {
    const body = (packet: Buffer): Buffer => splitFrames(packet).frames[0]?.body ?? Buffer.alloc(0);
    const refused = mqttPacket.generate(
      { cmd: 'puback', messageId: 9, reasonCode: 0x87, properties: { userProperties: { a: 'b' }, reasonString: 'ACL says no' } },
      { protocolVersion: 5 },
    );
    assert.deepEqual(ackReason(body(refused)), { code: 0x87, reasonString: 'ACL says no' });
    const quiet = mqttPacket.generate({ cmd: 'pubrec', messageId: 9, reasonCode: 0x10 }, { protocolVersion: 5 });
    assert.deepEqual(ackReason(body(quiet)), { code: 0x10, reasonString: undefined });
    const busy = mqttPacket.generate({ cmd: 'disconnect', reasonCode: 0x89, properties: { reasonString: 'too many' } }, { protocolVersion: 5 });
    assert.deepEqual(disconnectReason(body(busy)), { code: 0x89, reasonString: 'too many' });
    const plain = mqttPacket.generate({ cmd: 'disconnect', reasonCode: 0x8b }, { protocolVersion: 5 });
    assert.deepEqual(disconnectReason(body(plain)), { code: 0x8b, reasonString: undefined });
  });
});
