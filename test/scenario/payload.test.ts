import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePayload, jsonTemplateText, payloadTemplateProblems, sizedPayload, type PayloadValues } from '../../src/scenario/payload.js';

/** A fixed sequence of "random" numbers, so every draw is known. */
function values(draws: number[], seq = 7): PayloadValues {
  let i = 0;
  return { deviceId: 'dev-"1"', group: 'g', seq, timestampMs: 1_700_000_000_123.6, random: () => draws[i++ % draws.length] as number };
}

describe('payload templates', () => {
  it('fills values, pads, and draws random ranges and choices', () => {
    const render = compilePayload({
      kind: 'template',
      template: '{group}/{seq:04}@{timestamp} t={random:18..25} h={random:40.0..60.5} s={choice:ok|warn|alarm}',
      json: false,
    });
    assert.equal(render(values([0, 0.5, 0.999])), 'g/0007@1700000000124 t=18 h=50.3 s=alarm');
    assert.equal(render(values([0.999, 0, 0])), 'g/0007@1700000000124 t=25 h=40.0 s=ok');
  });

  it('keeps random integers within both ends, inclusive', () => {
    const render = compilePayload({ kind: 'template', template: '{random:-2..2}', json: false });
    const seen = new Set<string>();
    for (let k = 0; k < 100; k++) seen.add(render(values([k / 100])));
    assert.deepEqual([...seen].sort(), ['-1', '-2', '0', '1', '2']);
  });

  it('turns a JSON template into JSON: numeric placeholders become numbers, strings are escaped', () => {
    const template = jsonTemplateText({
      id: '{deviceId}',
      t: '{random:18..25}',
      state: '{choice:ok|warn}',
      level: '{choice:1|2}',
      ts: '{timestamp}',
      note: 'seq {seq}',
      nested: { seq: '{seq}' },
    });
    assert.equal(
      template,
      '{"id":"{deviceId}","t":{random:18..25},"state":"{choice:ok|warn}","level":{choice:1|2},"ts":{timestamp},"note":"seq {seq}","nested":{"seq":{seq}}}',
    );
    const text = compilePayload({ kind: 'template', template, json: true })(values([0.5]));
    assert.deepEqual(JSON.parse(text), { id: 'dev-"1"', t: 22, state: 'warn', level: 2, ts: 1700000000124, note: 'seq 7', nested: { seq: 7 } });
  });

  it('names every bad placeholder', () => {
    assert.deepEqual(payloadTemplateProblems('{deviceID} {random:5..1} {random:x} {choice:a||b} {seq}'), [
      '{deviceID}: unknown placeholder; expected one of {deviceId}, {group}, {seq}, {timestamp}, {random}, {choice}',
      '{random:5..1}: MIN 5 is greater than MAX 1',
      '{random:x}: expected {random:MIN..MAX}, like {random:18..25} or {random:18.0..25.5}',
      '{choice:a||b}: expected {choice:a|b|c} with no empty option',
    ]);
  });
});

describe('sized payloads', () => {
  for (const bytes of [1, 10, 40, 41, 256, 1024]) {
    it(`is exactly ${bytes} bytes`, () => {
      const text = sizedPayload(bytes, { seq: 12345, timestampMs: 1_700_000_000_000 });
      assert.equal(Buffer.byteLength(text), bytes);
    });
  }

  it('carries the send time where it fits, for latency at a subscriber', () => {
    const parsed = JSON.parse(sizedPayload(256, { seq: 3, timestampMs: 1_700_000_000_000 })) as { ts: number; seq: number };
    assert.equal(parsed.ts, 1_700_000_000_000);
    assert.equal(parsed.seq, 3);
    assert.equal(sizedPayload(8, { seq: 3, timestampMs: 1 }), 'xxxxxxxx');
  });
});
