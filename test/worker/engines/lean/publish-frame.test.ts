import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import mqttPacket from 'mqtt-packet';
import { encodePublish } from '../../../../src/worker/engines/lean/publish-frame.js';

describe('encodePublish', () => {
  it('writes the same bytes as mqtt-packet for any topic, payload, QoS, retain, id and version', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }),
        fc.oneof(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ minLength: 16_380, maxLength: 16_400 })),
        fc.constantFrom<0 | 1 | 2>(0, 1, 2),
        fc.boolean(),
        fc.integer({ min: 1, max: 65535 }),
        fc.constantFrom<4 | 5>(4, 5),
        (topic, payload, qos, retain, id, protocolVersion) => {
          const expected = mqttPacket.generate(
            qos === 0
              ? { cmd: 'publish', topic, payload, qos, retain, dup: false }
              : { cmd: 'publish', topic, payload, qos, retain, dup: false, messageId: id },
            { protocolVersion },
          );
          assert.deepEqual(encodePublish(topic, payload, qos, retain, id, protocolVersion), expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
