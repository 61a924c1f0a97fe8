import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MqttPlan } from '../../../../src/scenario/run-plan.js';
import { deviceClientOptions } from '../../../../src/worker/engines/mqttjs/client-options.js';
import { authMethodOf, connectPacket } from '../../../../src/worker/engines/packet-bytes.js';
import type { TlsTarget } from '../../../../src/worker/messages.js';
import { testMqttPlan } from '../../../support/mqtt-plan.js';

const mqttPlan: MqttPlan = testMqttPlan('mqttjs', {
  connectTimeoutMs: 7000,
  reconnect: { enabled: true, initialDelayMs: 250, maxDelayMs: 5000, maxAttempts: 10 },
});
const tls: TlsTarget = { ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM', servername: 'broker.local', minVersion: 'TLSv1.3', rejectUnauthorized: true };

describe('MQTT.js options of one device', () => {
  it('sets every session option explicitly: no silent reconnects', () => {
    const o = deviceClientOptions({ url: 'mqtt://127.0.0.1:1883' }, mqttPlan, 'device-00001', 'jwt');
    assert.equal(o.clientId, 'device-00001');
    assert.equal(o.username, 'unused');
    assert.equal(o.password, 'jwt');
    assert.equal(o.protocolVersion, 5);
    assert.equal(o.keepalive, 30);
    assert.equal(o.connectTimeout, 7000);
    assert.equal(o.reconnectPeriod, 0);
    assert.equal(o.resubscribe, false);
    assert.equal(o.queueQoSZero, false);
    assert.equal(o.ca, undefined);
    assert.equal(o.wsOptions, undefined);
  });

  it('MQTT 5: clean start off with a session expiry; none sent unless asked, and never on 3.1.1', () => {
    const o = deviceClientOptions({ url: 'mqtt://127.0.0.1:1883' }, { ...mqttPlan, clean: false, sessionExpirySec: 3600 }, 'd', 'jwt');
    assert.equal(o.clean, false);
    assert.deepEqual(o.properties, { sessionExpiryInterval: 3600 });
    assert.equal(deviceClientOptions({ url: 'mqtt://127.0.0.1:1883' }, mqttPlan, 'd', 'jwt').properties, undefined);
    assert.equal(
      deviceClientOptions({ url: 'mqtt://127.0.0.1:1883' }, { ...mqttPlan, protocolVersion: 4, sessionExpirySec: 60 }, 'd', 'jwt').properties,
      undefined,
    );
  });

  it('MQTT 5 auth: method: the token as Authentication Data, no password; the same CONNECT as the lean engine, and never on 3.1.1', () => {
    const byMethod: MqttPlan = { ...mqttPlan, auth: { way: 'method', method: 'CUSTOM-JWT' } };
    const o = deviceClientOptions({ url: 'mqtt://127.0.0.1:1883' }, byMethod, 'd', 'jwt');
    assert.equal(o.password, undefined);
    assert.equal(o.username, 'unused');
    assert.deepEqual(o.properties, { authenticationMethod: 'CUSTOM-JWT', authenticationData: Buffer.from('jwt') });
    const lean = connectPacket({ clientId: 'd', password: 'jwt', protocolVersion: 5, keepaliveSec: 30, clean: true, authMethod: authMethodOf(byMethod) });
    assert.deepEqual([lean.password, lean.username, lean.properties], [undefined, 'unused', o.properties]);
    const v4 = deviceClientOptions({ url: 'mqtt://127.0.0.1:1883' }, { ...byMethod, protocolVersion: 4 }, 'd', 'jwt');
    assert.deepEqual([v4.password, v4.properties], ['jwt', undefined]);
  });

  it('mqtts: verification on by default, TLS 1.2 at least', () => {
    const o = deviceClientOptions({ url: 'mqtts://broker.local:8883' }, mqttPlan, 'd', 'jwt');
    assert.equal(o.rejectUnauthorized, true);
    assert.equal(o.minVersion, 'TLSv1.2');
  });

  it('mqtts: passes CA, client certificate, servername and minimum version to tls.connect', () => {
    const o = deviceClientOptions({ url: 'mqtts://127.0.0.1:8883', tls }, mqttPlan, 'd', 'jwt');
    assert.deepEqual(
      [o.ca, o.cert, o.key, o.servername, o.minVersion, o.rejectUnauthorized],
      ['CA PEM', 'CERT PEM', 'KEY PEM', 'broker.local', 'TLSv1.3', true],
    );
  });

  it('wss: the same TLS options reach the ws client, which MQTT.js would give only some of', () => {
    const o = deviceClientOptions({ url: 'wss://127.0.0.1:8884/mqtt', tls: { ...tls, rejectUnauthorized: false } }, mqttPlan, 'd', 'jwt');
    const ws = o.wsOptions as Record<string, unknown>;
    assert.equal(ws['servername'], 'broker.local');
    assert.equal(ws['minVersion'], 'TLSv1.3');
    assert.equal(ws['ca'], 'CA PEM');
    assert.equal(ws['rejectUnauthorized'], false);
    assert.equal(ws['perMessageDeflate'], false);
    assert.equal(ws['handshakeTimeout'], 7000);
    assert.equal(o.ca, undefined, 'TLS options live in wsOptions only');
  });

  it('ws: no TLS options at all', () => {
    const o = deviceClientOptions({ url: 'ws://127.0.0.1:8080/mqtt', tls }, mqttPlan, 'd', 'jwt');
    const ws = o.wsOptions as Record<string, unknown>;
    assert.equal(ws['ca'], undefined);
    assert.equal(o.ca, undefined);
  });
});
