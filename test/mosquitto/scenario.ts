/** The scenarios and listeners the mosquitto tests run: one shape, varied by transport. */
import type { ScenarioInput } from '../../src/scenario/schema.js';
import type { BrokerOptions, Transport } from './broker.js';
import type { TestPki } from './pki.js';

export function brokerOptions(transport: Transport, dir: string, pki: TestPki, allowAnonymous: boolean): BrokerOptions {
  const secure = transport === 'tls' || transport === 'mtls' || transport === 'wss';
  return {
    dir,
    websockets: transport === 'ws' || transport === 'wss',
    allowAnonymous,
    ...(secure ? { tls: { caFile: pki.caFile, certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, requireCertificate: transport === 'mtls' } } : {}),
  };
}

export function brokerUrl(transport: Transport, port: number): string {
  const scheme = { tcp: 'mqtt', tls: 'mqtts', mtls: 'mqtts', ws: 'ws', wss: 'wss' }[transport];
  // The WebSocket path is the one most brokers use; mosquitto accepts any.
  return `${scheme}://127.0.0.1:${port}${transport === 'ws' || transport === 'wss' ? '/mqtt' : ''}`;
}

/** The scenario's `tls:` for a transport: the test CA with verification on, plus a client cert for mTLS. */
export function scenarioTls(transport: Transport, pki: TestPki): ScenarioInput['tls'] {
  if (transport === 'tcp' || transport === 'ws') return undefined;
  return {
    ca: pki.caFile,
    ...(transport === 'mtls' ? { cert: pki.clientCertFile, key: pki.clientKeyFile } : {}),
    minVersion: 'TLSv1.2',
    rejectUnauthorized: true,
  };
}

export interface UplinkScenarioOptions {
  name: string;
  url: string;
  tls: ScenarioInput['tls'];
  version: 4 | 5;
  qos: 0 | 1 | 2;
  sensors: number;
  messagesPerSensor: number;
  keyDir: string;
  engine?: 'mqttjs' | 'lean';
}

/**
 * A backend subscribes to every device's uplink, then the sensors connect and publish; a short
 * hold lets the last messages reach the backend before everyone disconnects.
 */
export function uplinkScenario(o: UplinkScenarioOptions): ScenarioInput & { name: string } {
  return {
    name: o.name,
    broker: o.url,
    workers: 2,
    mqtt: { protocolVersion: o.version, keepalive: '30s', connectTimeout: '10s', clean: true, engine: o.engine ?? 'mqttjs' },
    ...(o.tls === undefined ? {} : { tls: o.tls }),
    groups: [
      { name: 'backend', count: 1, idPattern: 'backend-{index}', alg: 'ES256', keys: { store: `${o.keyDir}/backend.json` } },
      { name: 'sensors', count: o.sensors, alg: 'ES256', keys: { store: `${o.keyDir}/sensors.json` } },
    ],
    stages: [
      { type: 'connect', groups: ['backend'] },
      { type: 'subscribe', groups: ['backend'], topic: '/up/device/id/+', qos: 2, measure: 'uplink' },
      { type: 'connect', rate: '200/s', groups: ['sensors'] },
      { type: 'publish', groups: ['sensors'], rate: '20/s', count: o.messagesPerSensor, qos: o.qos },
      { type: 'hold', duration: '500ms' },
      { type: 'disconnect' },
    ],
  };
}

/** Devices that only connect and disconnect: for tests about who gets in. */
export function connectScenario(o: {
  name: string;
  url: string;
  tls: ScenarioInput['tls'];
  version: 4 | 5;
  devices: number;
  keyDir: string;
}): ScenarioInput & { name: string } {
  return {
    name: o.name,
    broker: o.url,
    workers: 1,
    mqtt: { protocolVersion: o.version, keepalive: '30s', connectTimeout: '5s', clean: true },
    ...(o.tls === undefined ? {} : { tls: o.tls }),
    groups: [{ name: 'sensors', count: o.devices, alg: 'ES256', keys: { store: `${o.keyDir}/sensors.json` } }],
    stages: [{ type: 'connect' }, { type: 'disconnect' }],
  };
}
