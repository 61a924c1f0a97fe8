import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import mqttPacket from 'mqtt-packet';
import { renderBarChart } from '../../src/report/render/svg-bar-chart.js';
import { connectPacketBytes, receivedPacketBytes } from '../../src/worker/engines/packet-bytes.js';
import { opensslPrimitive, parseOpensslSpeed } from '../../src/sign-bench/openssl-speed.js';
import { benchTargets } from '../../src/sign-bench/run-sign-bench.js';

describe('sign-bench parts', () => {
  it('reads sign/s and verify/s from openssl speed (OpenSSL 3.0 output)', () => {
    const rsa = `                  sign    verify    sign/s verify/s\nrsa 2048 bits 0.000386s 0.000020s   2589.0  50165.0\n`;
    const ec = `                              sign    verify    sign/s verify/s\n 256 bits ecdsa (nistp256)   0.0000s   0.0001s  38215.0  12865.0\n`;
    assert.deepEqual(parseOpensslSpeed(rsa, opensslPrimitive('RS256', 2048).line), { signPerSec: 2589, verifyPerSec: 50165 });
    assert.deepEqual(parseOpensslSpeed(ec, opensslPrimitive('ES256', 2048).line), { signPerSec: 38215, verifyPerSec: 12865 });
    assert.equal(parseOpensslSpeed(rsa, opensslPrimitive('RS256', 4096).line), undefined, 'another key size is not this line');
    assert.equal(opensslPrimitive('PS256', 3072).name, 'rsa3072');
    assert.equal(opensslPrimitive('ES512', 2048).name, 'ecdsap521');
    assert.equal(opensslPrimitive('EdDSA', 2048).name, 'ed25519');
  });

  it('sizes a real CONNECT: the packet mqtt-packet encodes parses back with the token as password', () => {
    const token = 'a'.repeat(554);
    const bytes = connectPacketBytes({ clientId: 'device-00001', password: token, protocolVersion: 4, keepaliveSec: 60, clean: true });
    const buffer = mqttPacket.generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      clientId: 'device-00001',
      keepalive: 60,
      username: 'unused',
      password: Buffer.from(token),
    });
    assert.equal(bytes, buffer.length);
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    const packets: mqttPacket.Packet[] = [];
    parser.on('packet', (p) => packets.push(p));
    parser.parse(buffer);
    assert.equal(packets.length, 1);
    const connect = packets[0] as mqttPacket.IConnectPacket;
    assert.equal(connect.username, 'unused');
    assert.equal(connect.password?.toString(), token);
    // MQTT 3.1.1 §3.1: fixed header 1 + remaining length 2 (≥ 128), variable header 10, then three length-prefixed strings.
    assert.equal(bytes, 1 + 2 + 10 + (2 + 12) + (2 + 6) + (2 + 554));
  });

  it('sizes a received packet from its remaining length (MQTT 3.1.1 §2.2.3 variable byte integer)', () => {
    assert.equal(receivedPacketBytes(2), 4, 'a CONNACK');
    assert.equal(receivedPacketBytes(127), 129);
    assert.equal(receivedPacketBytes(128), 131);
    assert.equal(receivedPacketBytes(16_384), 16_388);
  });

  it('benches each RSA algorithm once per key size and the others once', () => {
    assert.deepEqual(
      benchTargets(['RS256', 'ES256', 'PS256'], [2048, 4096]).map((t) => t.label),
      ['RS256-2048', 'RS256-4096', 'ES256', 'PS256-2048', 'PS256-4096'],
    );
  });

  it('draws one bar per value, leaving gaps for nulls, on a log axis of powers of ten', () => {
    const svg = renderBarChart({
      id: 'b',
      title: 'rates',
      categories: ['RS256', 'ES256'],
      yLabel: 'per second',
      yScale: 'log',
      series: [
        { name: 'sign', color: '#000', values: [2500, 30000] },
        { name: 'openssl', color: '#111', values: [null, 38000] },
      ],
    });
    assert.equal((svg.match(/<rect class="bar"/g) ?? []).length, 3);
    assert.match(svg, /data-bars="3"/);
    assert.match(svg, />1k<\/text>.*>100k<\/text>/s);
  });
});
