/**
 * What each engine finds against mosquitto 2 without an auth plugin, the facts a device's fallback
 * to reconnecting rests on: a CONNECT under an Authentication Method is refused with CONNACK 0x8C
 * (`bad-authentication-method`), and a connection made with the password cannot re-authenticate
 * (`not-connected`, nothing sent), and stays up.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MqttPlan } from '../../src/scenario/run-plan.js';
import { loadEngine } from '../../src/worker/engines/engine.js';
import { MosquittoBroker } from './broker.js';
import { requireMosquittoTools, skipWithoutMosquitto } from './tools.js';
import { testMqttPlan } from '../support/mqtt-plan.js';

const skip = skipWithoutMosquitto();
const plan = (engine: MqttPlan['engine'], auth: MqttPlan['auth']): MqttPlan => testMqttPlan(engine, { auth });

describe('against mosquitto 2 without an auth plugin: no enhanced authentication, on both engines', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-reauth-mosquitto-'));
  let broker: MosquittoBroker;
  before(async () => {
    broker = await MosquittoBroker.start(requireMosquittoTools().mosquitto, { dir, websockets: false, allowAnonymous: true });
  });
  after(async () => {
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const engine of ['lean', 'mqttjs'] as const) {
    it(`auth: method is refused with bad-authentication-method; with the password, reauthenticate is not-connected and the connection stays (${engine})`, async () => {
      const target = { url: `mqtt://127.0.0.1:${broker.port}` };
      const sessions = await loadEngine({ engine }, target);
      const lost: string[] = [];
      const byMethod = sessions.session(`${engine}-m`, (reason) => lost.push(reason), target);
      assert.deepEqual(await byMethod.connect(target, plan(engine, { way: 'method', method: 'CUSTOM-JWT' }), 'a.b.c'), {
        ok: false,
        reason: 'bad-authentication-method',
      });
      const byPassword = sessions.session(`${engine}-p`, (reason) => lost.push(reason), target);
      assert.deepEqual(await byPassword.connect(target, plan(engine, { way: 'password' }), 'a.b.c'), { ok: true });
      assert.deepEqual(await byPassword.reauthenticate('d.e.f', 2000), { ok: false, reason: 'not-connected' });
      assert.deepEqual(await byPassword.subscribe(`down/${engine}`, 1), { ok: true }, 'the connection is still up');
      assert.deepEqual(lost, []);
      await byPassword.disconnect();
      sessions.close();
    });
  }
});
