import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import type { MqttPlan } from '../../src/scenario/run-plan.js';
import { deviceEndpoint } from '../../src/worker/endpoint.js';
import { openSocket } from '../../src/worker/engines/lean/lean-socket.js';
import { LocalPorts, portsToSkip, readPortRange, withLocalPorts } from '../../src/worker/local-ports.js';
import { LEAN_MQTT_PLAN } from './support/fakes.js';

const mqttPlan: MqttPlan = LEAN_MQTT_PLAN;

describe('source ports picked in user space', () => {
  it('gives every device of one (address, URL) pair its own port, the same in every worker and shard', () => {
    const target = { url: 'mqtt://a:1883', urls: ['mqtt://a:1883', 'mqtt://b:1883'], localAddresses: ['127.0.0.2', '127.0.0.3', '127.0.0.4'] };
    const total = 30_000;
    // Two "workers" (or shard processes), each with its own picker, holding alternate devices.
    const pickers = [new LocalPorts({ low: 32768, high: 60999 }, total, 6, new Set()), new LocalPorts({ low: 32768, high: 60999 }, total, 6, new Set())];
    const seen = new Map<string, number>();
    for (let k = 0; k < total; k++) {
      const endpoint = deviceEndpoint(target, k);
      const port = (pickers[k % 2] as LocalPorts).next(k);
      assert.ok(port >= 32768 && port <= 60999);
      const key = `${endpoint.url} ${endpoint.localAddress} ${port}`;
      assert.equal(seen.get(key), undefined, `device ${k} and ${seen.get(key)} share ${key}`);
      seen.set(key, k);
    }
  });

  it('moves a device that connects again a round further, and skips ports to avoid', () => {
    const ports = new LocalPorts({ low: 40000, high: 40999 }, 100, 1, new Set([40010 + 100]));
    assert.equal(ports.next(10), 40010);
    assert.equal(ports.next(10), 40210, 'round 1 (40110) has a listener: round 2');
    assert.equal(ports.next(10), 40310);
    assert.equal(new LocalPorts({ low: 40000, high: 40999 }, 2001, 2, new Set()).fits, false);
  });

  it('reads the ephemeral range and the ports to skip from /proc text', () => {
    assert.deepEqual(
      readPortRange(() => '10000\t20000\n'),
      { low: 10000, high: 20000 },
    );
    assert.deepEqual(
      readPortRange(() => 'garbage'),
      { low: 32768, high: 60999 },
    );
    const files: Record<string, string> = {
      '/proc/sys/net/ipv4/ip_local_reserved_ports': '40000-40002,41000\n',
      '/proc/net/tcp': '  sl  local_address rem_address   st\n   0: 0100007F:9C40 00000000:0000 0A 0\n   1: 0100007F:9C41 0100007F:0050 01 0\n',
      '/proc/net/tcp6': '',
    };
    const skip = portsToSkip((path) => files[path] ?? '');
    assert.deepEqual([...skip].sort(), [40000, 40001, 40002, 41000]);
  });

  it('binds the lean socket to the picked port, from the source address', async () => {
    const server = createServer((socket: Socket) => socket.end());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const target = withLocalPorts({ url, localAddresses: ['127.0.0.7'] }, 50);
    assert.ok(target.localPorts !== undefined);
    const endpoint = deviceEndpoint(target, 3);
    const socket = openSocket(endpoint, undefined, mqttPlan);
    await once(socket, 'connect');
    const range = readPortRange();
    assert.equal(socket.localAddress, '127.0.0.7');
    assert.ok(socket.localPort !== undefined && socket.localPort >= range.low && socket.localPort <= range.high);
    assert.equal(socket.localPort, range.low + 3, 'device 3 of a single pair: slot 3, unless a listener sits on it');
    socket.destroy();
    server.close();
  });

  it('leaves targets without source addresses to the kernel', () => {
    assert.equal(withLocalPorts({ url: 'mqtt://127.0.0.1:1883' }, 10).localPorts, undefined);
  });
});
