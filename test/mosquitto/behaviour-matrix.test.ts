/**
 * The behaviour matrix: both engines, the same rows. Each row is one scenario against a real
 * broker (the embedded one, which verifies every token, or Debian's mosquitto, for MQTT 5, QoS 2
 * end to end, wss and device-to-device downlinks); it runs once on the lean engine and once on
 * MQTT.js, each run must meet the row's expectations, and the two must agree count for count:
 * every counter, error, connect failure and histogram count of every group, and for the embedded
 * broker what the broker itself counted. Only figures that depend on timing are left out of the
 * comparison (TIMING_DEPENDENT); the rows are built so that everything else is exact.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureLocalCertificates, type LocalCertificates } from '../../src/broker/certificates.js';
import { DEFAULT_VERIFY_POLICY } from '../../src/broker/broker-options.js';
import { startBroker, type RunningBroker } from '../../src/broker/server.js';
import { decodeHistogram } from '../../src/api/report.js';
import { run, scenarioFromObject, type RunResult, type ScenarioInput } from '../../src/index.js';
import { EC_PUBLIC_PEM } from '../broker/helpers.js';
import { repoPath } from '../helpers.js';
import { MosquittoBroker, type Transport } from './broker.js';
import { brokerOptions, brokerUrl, scenarioTls } from './scenario.js';
import { mosquittoSuite } from './suite.js';
import { skipWithoutMosquitto } from './tools.js';
import { CutProxy } from '../support/cut-proxy.js';
import { MqttCountProxy, type ConnectionCounts } from '../support/mqtt-count-proxy.js';

type Engine = 'lean' | 'mqttjs';
const ENGINES: readonly Engine[] = ['lean', 'mqttjs'];

/** Figures that depend on timing, not on behaviour: tokens signed ahead for a refresh the run's end overtook, backoff attempts, late acks. */
const TIMING_DEPENDENT = new Set(['tokensSigned', 'reconnectAttempts', 'missedSlots', 'ackedLate', 'eventLoopDelayUs', 'heldByReceiveMaximum']);
/** The embedded broker's counters that both engines must move alike (socket bytes carry keepalives, so they are left out). */
const BROKER_COUNTERS = /^(auth\.|acl\.|sockets$|connections$|disconnections$|takeovers$|messagesIn$|payloadBytesIn$|messagesOut$|expiry\.)/;

const KEYS = { mode: 'shared', privateKey: repoPath('test/fixtures/vectors/ec_private.pem') } as const;
const RECONNECT = { initialDelay: '100ms', maxDelay: '400ms', maxAttempts: 20 } as const;

interface Row {
  name: string;
  broker: 'embedded' | 'mosquitto';
  /**
   * The listeners devices are spread over (device k on listener k mod n): any of tcp, tls and ws
   * on the embedded broker; on mosquitto one listener, and 'tcp' after it for its plain control listener.
   */
  transports: Transport[];
  /** mosquitto: refuse devices it does not know (all of ours). */
  closed?: boolean;
  /** Trust a CA that did not sign the broker's certificate. */
  wrongCa?: boolean;
  /** Devices connect through a CutProxy, cut when this stage starts. */
  cutAtStage?: number;
  /** mosquitto: more mosquitto.conf lines; `{acl}` stands for the path of a file holding `acl`. */
  mosquittoConfig?: string[];
  /** mosquitto: more lines for its listener under test (listener options such as max_qos). */
  mosquittoListener?: string[];
  acl?: string;
  /** Devices connect through an MqttCountProxy, whose per-connection counts `expect` gets. */
  counted?: boolean;
  /** The scenario without `broker`, `tls`, `workers` and `mqtt.engine`, which the matrix sets. */
  scenario(): ScenarioInput;
  expect(result: RunResult, broker: Record<string, number>, wire: ConnectionCounts[]): void;
}

type GroupInput = NonNullable<ScenarioInput['groups']>[number];
type MqttInput = NonNullable<ScenarioInput['mqtt']>;
const group = (name: string, count: number, extra: Partial<GroupInput> = {}): GroupInput => ({
  name,
  count,
  idPattern: `${name}-{index}`,
  keys: KEYS,
  ...extra,
});
const mqtt = (version: 4 | 5, extra: Partial<MqttInput> = {}): MqttInput => ({
  protocolVersion: version,
  keepalive: '10s',
  connectTimeout: '5s',
  reconnect: RECONNECT,
  ...extra,
});
const counters = (result: RunResult, name: string): Record<string, number> => result.groups[name]?.counters ?? {};
const errors = (result: RunResult, name: string): Record<string, number> => result.groups[name]?.errors ?? {};

/**
 * q0, q1 and q2 publish 6 messages each (three devices, two each, spread over the listeners) at
 * their QoS; on mosquitto a backend receives them all.
 */
function qosRow(broker: Row['broker'], transports: Transport[], version: 4 | 5): Row {
  const backend = broker === 'mosquitto';
  return {
    name: `${broker} ${transports.join('+')}, MQTT ${version === 4 ? '3.1.1' : '5'}: QoS 0, 1 and 2 publish${backend ? ', a backend receives' : ''}`,
    broker,
    transports,
    scenario: () => ({
      mqtt: mqtt(version),
      groups: [...(backend ? [group('backend', 1)] : []), group('q0', 3), group('q1', 3), group('q2', 3)],
      stages: [
        { type: 'connect' },
        ...(backend ? [{ type: 'subscribe' as const, groups: ['backend'], topic: '/up/device/id/+', qos: 2 as const, measure: 'uplink' as const }] : []),
        ...([0, 1, 2] as const).map((qos) => ({ type: 'publish' as const, groups: [`q${qos}`], rate: '20/s', count: 2, qos })),
        { type: 'hold', duration: '300ms' },
        { type: 'disconnect' },
      ],
    }),
    expect: (result, brokerCounts) => {
      for (const qos of [0, 1, 2]) {
        const c = counters(result, `q${qos}`);
        assert.deepEqual(errors(result, `q${qos}`), {});
        assert.equal(c['connected'], 3);
        assert.equal(c['published'], 6);
        assert.equal(c['acked'], qos === 0 ? undefined : 6);
        assert.equal(c['disconnected'], 3);
      }
      if (backend) assert.equal(counters(result, 'backend')['received'], 18);
      else assert.equal(brokerCounts['messagesIn'], 18);
    },
  };
}

const ROWS: Row[] = [
  qosRow('embedded', ['tcp', 'ws'], 4),
  qosRow('mosquitto', ['wss'], 5),
  qosRow('mosquitto', ['mtls'], 4),
  {
    name: 'embedded tls: refusals (an unregistered device, a wrong audience, a filter outside the ACL)',
    broker: 'embedded',
    transports: ['tls'],
    scenario: () => ({
      mqtt: mqtt(4),
      groups: [group('known', 2), group('stranger', 2), group('misaimed', 2, { token: { audience: 'https://example.com/{deviceId}' } })],
      stages: [{ type: 'connect' }, { type: 'subscribe', groups: ['known'], topic: '/up/device/id/+', measure: 'uplink' }, { type: 'disconnect' }],
    }),
    expect: (result, broker) => {
      assert.equal(counters(result, 'known')['connected'], 2);
      assert.deepEqual(errors(result, 'known'), { 'suback.failure': 2 });
      assert.deepEqual(result.groups['stranger']?.connectFailures, { 'not-authorized': 2 });
      assert.deepEqual(result.groups['misaimed']?.connectFailures, { 'not-authorized': 2 });
      assert.equal(broker['auth.accepted'], 2);
    },
  },
  {
    name: 'mosquitto tcp, MQTT 5: refused by a broker that knows no device (CONNACK 135)',
    broker: 'mosquitto',
    transports: ['tcp'],
    closed: true,
    scenario: () => ({ mqtt: mqtt(5), groups: [group('d', 3)], stages: [{ type: 'connect' }, { type: 'disconnect' }] }),
    expect: (result) => {
      assert.equal(counters(result, 'd')['connected'], undefined);
      assert.deepEqual(result.groups['d']?.connectFailures, { 'not-authorized': 3 });
    },
  },
  {
    name: 'mosquitto wss, MQTT 3.1.1: a CA the broker certificate is not from fails verification',
    broker: 'mosquitto',
    transports: ['wss'],
    wrongCa: true,
    scenario: () => ({ mqtt: mqtt(4), groups: [group('d', 2)], stages: [{ type: 'connect' }, { type: 'disconnect' }] }),
    expect: (result) => {
      assert.equal(counters(result, 'd')['connectFailed'], 2);
      assert.deepEqual(Object.keys(result.groups['d']?.connectFailures ?? {}).length, 1);
    },
  },
  {
    name: 'mosquitto tcp, MQTT 3.1.1: token refresh with subscriptions, both ways (devices downlink, a backend uplink)',
    broker: 'mosquitto',
    transports: ['tcp'],
    scenario: () => {
      // Tokens of 8 s refreshed 0.5–0.75 s before exp: every device refreshes once, 7.25–7.5 s
      // after the whole second its token was signed in (the hold outlasts that, however late it
      // starts), and not again for another 6 s, by which time the run has ended.
      const token = { lifetime: '8s', refreshBefore: '500ms' };
      return {
        mqtt: mqtt(4),
        groups: [group('backend', 1, { token }), group('devices', 3, { token })],
        stages: [
          { type: 'connect' },
          { type: 'subscribe', groups: ['devices'], qos: 1 },
          { type: 'subscribe', groups: ['backend'], topic: '/up/device/id/+', qos: 1, measure: 'uplink' },
          { type: 'hold', duration: '8s' },
          { type: 'downlink', from: 'backend', groups: ['devices'], rate: '10/s', count: 3, qos: 1 },
          { type: 'publish', groups: ['devices'], rate: '10/s', count: 3, qos: 1 },
          { type: 'hold', duration: '300ms' },
          { type: 'disconnect' },
        ],
      };
    },
    expect: (result) => {
      for (const name of ['backend', 'devices']) assert.deepEqual(errors(result, name), {}, name);
      assert.equal(counters(result, 'backend')['refreshes'], 1);
      assert.equal(counters(result, 'devices')['refreshes'], 3);
      assert.equal(counters(result, 'backend')['resubscribed'], 1);
      assert.equal(counters(result, 'devices')['resubscribed'], 3);
      assert.equal(counters(result, 'devices')['received'], 9);
      assert.equal(counters(result, 'backend')['received'], 9);
    },
  },
  {
    name: 'mosquitto tcp, MQTT 5, clean start: a lost connection comes back and subscribes again',
    broker: 'mosquitto',
    transports: ['tcp'],
    cutAtStage: 3,
    scenario: () => ({
      mqtt: mqtt(5),
      groups: [group('backend', 1), group('devices', 3)],
      stages: [
        { type: 'connect' },
        { type: 'subscribe', groups: ['devices'], qos: 1 },
        { type: 'subscribe', groups: ['backend'], topic: '/up/device/id/+', qos: 1, measure: 'uplink' },
        { type: 'hold', duration: '2s' },
        { type: 'downlink', from: 'backend', groups: ['devices'], rate: '10/s', count: 3, qos: 1 },
        { type: 'publish', groups: ['devices'], rate: '10/s', count: 3, qos: 1 },
        { type: 'hold', duration: '300ms' },
        { type: 'disconnect' },
      ],
    }),
    expect: (result) => {
      for (const [name, n] of [
        ['backend', 1],
        ['devices', 3],
      ] as const) {
        assert.deepEqual(errors(result, name), { 'connection-lost': n }, name);
        assert.equal(counters(result, name)['reconnects'], n);
        assert.equal(counters(result, name)['resubscribed'], n);
      }
      assert.equal(counters(result, 'devices')['received'], 9);
      assert.equal(counters(result, 'backend')['received'], 9);
    },
  },
  {
    name: 'mosquitto wss, MQTT 5, persistent session: a lost connection comes back to its session, nothing subscribed again',
    broker: 'mosquitto',
    transports: ['wss'],
    cutAtStage: 2,
    scenario: () => ({
      mqtt: mqtt(5, { clean: false, sessionExpiry: '1h' }),
      groups: [group('backend', 1), group('devices', 2)],
      stages: [
        { type: 'connect' },
        { type: 'subscribe', groups: ['devices'], qos: 1 },
        { type: 'hold', duration: '2s' },
        { type: 'downlink', from: 'backend', groups: ['devices'], rate: '10/s', count: 3, qos: 1 },
        { type: 'hold', duration: '300ms' },
        { type: 'disconnect' },
      ],
    }),
    expect: (result) => {
      assert.deepEqual(errors(result, 'devices'), { 'connection-lost': 2 });
      assert.equal(counters(result, 'devices')['reconnects'], 2);
      assert.equal(counters(result, 'devices')['resubscribed'], undefined);
      assert.equal(counters(result, 'devices')['received'], 6);
    },
  },
  {
    name: 'mosquitto ws, MQTT 3.1.1: a reconnect storm drops half the devices; they come back and subscribe again',
    broker: 'mosquitto',
    transports: ['ws'],
    scenario: () => ({
      mqtt: mqtt(4),
      groups: [group('backend', 1), group('devices', 4)],
      stages: [
        { type: 'connect' },
        { type: 'subscribe', groups: ['devices'], qos: 1 },
        { type: 'reconnect-storm', groups: ['devices'], percent: 50 },
        { type: 'downlink', from: 'backend', groups: ['devices'], rate: '10/s', count: 3, qos: 1 },
        { type: 'hold', duration: '300ms' },
        { type: 'disconnect' },
      ],
    }),
    expect: (result) => {
      const c = counters(result, 'devices');
      assert.deepEqual(errors(result, 'devices'), {});
      assert.equal(c['dropped'], 2);
      assert.equal(c['reconnects'], 2);
      assert.equal(c['resubscribed'], 2);
      assert.equal(c['received'], 12);
    },
  },
  ...mqtt5LimitRows(),
];

/**
 * MQTT 5 against mosquitto's own refusals and limits: the evidence is mosquitto's (its ACL, its
 * CONNACK) and the wire's (a counting proxy), never ours.
 */
function mqtt5LimitRows(): Row[] {
  // mosquitto's ACL: a device's uplink topic `up/<client id>` is allowed, anything else refused.
  const ACL = 'pattern readwrite up/%c\npattern read $SYS/#\n';
  const send = (groups: string[], qos: 0 | 1 | 2, count: number, extra: { retain?: boolean; rate?: string } = {}) => ({
    type: 'publish' as const,
    groups,
    rate: extra.rate ?? '20/s',
    count,
    qos,
    ...(extra.retain === undefined ? {} : { retain: extra.retain }),
  });
  return [
    {
      name: 'mosquitto tcp, MQTT 5: the ACL refuses publishes (PUBACK and PUBREC 0x87), counted as refused.not-authorized, never acked',
      broker: 'mosquitto',
      transports: ['tcp'],
      acl: ACL,
      mosquittoConfig: ['acl_file {acl}'],
      counted: true,
      scenario: () => ({
        mqtt: mqtt(5),
        expect: 'refusals',
        groups: [group('allowed', 2, { topic: 'up/{deviceId}' }), group('denied', 2, { topic: 'elsewhere/{deviceId}' })],
        stages: [{ type: 'connect' }, send(['allowed', 'denied'], 1, 3), send(['denied'], 2, 2), { type: 'disconnect' }],
      }),
      expect: (result, _broker, wire) => {
        assert.deepEqual(errors(result, 'denied'), { 'refused.not-authorized': 10 });
        assert.equal(counters(result, 'denied')['refused'], 10);
        assert.equal(counters(result, 'denied')['acked'], undefined);
        assert.deepEqual(errors(result, 'allowed'), {});
        assert.equal(counters(result, 'allowed')['acked'], 6);
        assert.equal(counters(result, 'allowed')['refused'], undefined);
        // Every refusal was sent and answered on the wire: 6 allowed and 10 refused publishes.
        assert.equal(
          wire.reduce((n, c) => n + c.publishes, 0),
          16,
        );
        assert.equal(result.planShare?.messagesRefused, 10);
      },
    },
    {
      name: "mosquitto tcp, MQTT 5: max_inflight_messages 5 is the broker's Receive Maximum, and no connection ever has more in flight",
      broker: 'mosquitto',
      transports: ['tcp'],
      mosquittoConfig: ['max_inflight_messages 5'],
      counted: true,
      scenario: () => ({
        mqtt: mqtt(5),
        groups: [group('d', 2)],
        stages: [{ type: 'connect' }, send(['d'], 1, 60, { rate: '100000/s' }), send(['d'], 2, 60, { rate: '100000/s' }), { type: 'disconnect' }],
      }),
      expect: (result, _broker, wire) => {
        assert.deepEqual(errors(result, 'd'), {});
        assert.equal(counters(result, 'd')['acked'], 240);
        assert.equal(Object.values(result.broker.capabilities ?? {})[0]?.receiveMaximum, 5);
        // How many waited depends on when acks came back; that some did is what the burst makes sure of.
        assert.ok((counters(result, 'd')['heldByReceiveMaximum'] ?? 0) > 0, 'sends held back by the window');
        assert.equal(wire.length, 2);
        for (const c of wire) {
          assert.equal(c.publishes, 120);
          // Sent in one burst (each stage's 60 fall due within a millisecond), so the window is full at once.
          assert.equal(c.maxInFlight, 5, 'in flight: the window, never more');
        }
      },
    },
    {
      name: 'mosquitto tcp, MQTT 5: max_keepalive 10 sends Server Keep Alive 10, and a device asking for 60 s pings within it',
      broker: 'mosquitto',
      transports: ['tcp'],
      mosquittoConfig: ['max_keepalive 10'],
      counted: true,
      scenario: () => ({
        mqtt: mqtt(5, { keepalive: '60s' }),
        groups: [group('d', 2)],
        stages: [{ type: 'connect' }, { type: 'hold', duration: '13s' }, { type: 'disconnect' }],
      }),
      expect: (result, _broker, wire) => {
        assert.deepEqual(errors(result, 'd'), {});
        assert.equal(counters(result, 'd')['disconnected'], 2);
        assert.equal(Object.values(result.broker.capabilities ?? {})[0]?.serverKeepAliveSec, 10);
        assert.equal(wire.length, 2);
        for (const c of wire) assert.ok(c.pingreqs >= 1, `a PINGREQ within the server's 10 s (got ${c.pingreqs})`);
      },
    },
    {
      name: 'mosquitto tcp, MQTT 5: Maximum Packet Size, Maximum QoS 1 and no Retain Available refuse before sending',
      broker: 'mosquitto',
      transports: ['tcp'],
      mosquittoConfig: ['max_packet_size 2000', 'retain_available false'],
      mosquittoListener: ['max_qos 1'],
      counted: true,
      scenario: () => ({
        mqtt: mqtt(5),
        expect: 'refusals',
        groups: [group('big', 1, { payload: { size: '3000B' } }), group('q2', 1), group('retained', 1), group('fine', 1)],
        stages: [
          { type: 'connect' },
          send(['big'], 1, 3),
          send(['q2'], 2, 3),
          send(['retained'], 1, 3, { retain: true }),
          send(['fine'], 1, 3),
          { type: 'disconnect' },
        ],
      }),
      expect: (result, _broker, wire) => {
        const caps = Object.values(result.broker.capabilities ?? {})[0];
        assert.equal(caps?.maximumPacketSize, 2000);
        assert.equal(caps?.maximumQos, 1);
        assert.equal(caps?.retainAvailable, false);
        assert.deepEqual(errors(result, 'big'), { 'limit.packet-too-large': 3 });
        assert.deepEqual(errors(result, 'q2'), { 'limit.qos-not-supported': 3 });
        assert.deepEqual(errors(result, 'retained'), { 'limit.retain-not-supported': 3 });
        for (const g of ['big', 'q2', 'retained']) assert.equal(counters(result, g)['refused'], 3);
        assert.equal(counters(result, 'fine')['acked'], 3);
        // Only `fine` sent anything.
        assert.equal(
          wire.reduce((n, c) => n + c.publishes, 0),
          3,
        );
      },
    },
    {
      name: "mosquitto tcp, MQTT 5: qosAboveMaximum downgrade sends QoS 2 at the broker's Maximum QoS 1, counted",
      broker: 'mosquitto',
      transports: ['tcp'],
      mosquittoListener: ['max_qos 1'],
      scenario: () => ({
        mqtt: mqtt(5, { qosAboveMaximum: 'downgrade' }),
        groups: [group('q2', 2)],
        stages: [{ type: 'connect' }, send(['q2'], 2, 3), { type: 'disconnect' }],
      }),
      expect: (result) => {
        assert.deepEqual(errors(result, 'q2'), {});
        assert.equal(counters(result, 'q2')['qosDowngraded'], 6);
        assert.equal(counters(result, 'q2')['acked'], 6);
      },
    },
  ];
}

/** What must be equal between the engines: every group's counts, and the embedded broker's own. */
function comparable(result: RunResult, broker: Record<string, number>): unknown {
  const groups = Object.fromEntries(
    Object.entries(result.groups).map(([name, g]) => [
      name,
      {
        counters: Object.fromEntries(Object.entries(g.counters).filter(([k]) => !TIMING_DEPENDENT.has(k))),
        errors: g.errors,
        connectFailures: g.connectFailures,
        histogramCounts: Object.fromEntries(
          Object.entries(g.histograms)
            .filter(([k]) => !TIMING_DEPENDENT.has(k))
            .map(([k, h]) => [k, decodeHistogram(h.encoded).totalCount]),
        ),
      },
    ]),
  );
  return { status: result.status, groups, broker: Object.fromEntries(Object.entries(broker).filter(([k]) => BROKER_COUNTERS.test(k))) };
}

describe('behaviour matrix: the lean engine and MQTT.js, row by row, count for count', () => {
  const skipMosquitto = skipWithoutMosquitto();
  const suite = mosquittoSuite('matrix', skipMosquitto);
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-matrix-'));
  let certs: LocalCertificates;
  before(async () => {
    certs = await ensureLocalCertificates(join(dir, 'certs'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** One run of `row` on `engine`, against a broker of its own. */
  async function runRow(row: Row, engine: Engine): Promise<{ result: RunResult; broker: Record<string, number>; wire: ConnectionCounts[] }> {
    const scenario = row.scenario();
    const ids = (scenario.groups ?? []).flatMap((g) => Array.from({ length: g.count ?? 0 }, (_, i) => `${g.name}-${i + 1}`));
    const stops: (() => Promise<void>)[] = [];
    try {
      const { listeners, tls, embedded } = await startRowBroker(row, ids, stops);
      const proxies: CutProxy[] = [];
      if (row.cutAtStage !== undefined) {
        for (const listener of listeners) {
          const proxy = await CutProxy.start(listener.port);
          stops.push(() => proxy.close());
          proxies.push(proxy);
          listener.port = proxy.port;
        }
      }
      const wire: ConnectionCounts[] = [];
      if (row.counted === true) {
        for (const listener of listeners) {
          const proxy = await MqttCountProxy.start(listener.port);
          stops.push(() => proxy.close());
          listener.port = proxy.port;
          stops.push(() => {
            wire.push(...proxy.connections);
            return Promise.resolve();
          });
        }
      }
      const broker = listeners.map((l) => brokerUrl(l.transport, l.port));
      const full = { ...scenario, name: 'matrix', workers: 1, broker, ...(tls === undefined ? {} : { tls }), mqtt: { ...scenario.mqtt, engine } };
      let cut = 0;
      const result = await run(scenarioFromObject(full, `${row.name} (${engine})`), {
        onProgress: (event) => {
          if (event.type === 'stage' && event.index === row.cutAtStage) cut = proxies.reduce((n, proxy) => n + proxy.cut(), 0);
        },
      });
      if (row.cutAtStage !== undefined) assert.equal(cut, ids.length, `${engine}: connections cut`);
      // The proxies' counts are handed over as they stop, before the brokers.
      for (const stop of stops.splice(0).reverse()) await stop();
      return { result, broker: embedded?.metrics.snapshot().counters ?? {}, wire };
    } finally {
      for (const stop of stops.reverse()) await stop();
    }
  }

  /** The row's broker, started for one run; `stops` gets what stops it. */
  async function startRowBroker(
    row: Row,
    ids: string[],
    stops: (() => Promise<void>)[],
  ): Promise<{ listeners: { transport: Transport; port: number }[]; tls: ScenarioInput['tls']; embedded?: RunningBroker }> {
    if (row.broker === 'embedded') {
      const embedded = await startBroker({
        host: '127.0.0.1',
        port: 0,
        tlsPort: 0,
        wsPort: 0,
        tls: { certPem: certs.certPem, keyPem: certs.keyPem },
        policy: DEFAULT_VERIFY_POLICY,
        maxQos: 2,
        connectTimeoutMs: 5000,
      });
      stops.push(() => embedded.close());
      // The 'stranger' group is left out of the registry on purpose.
      embedded.registry.add(ids.filter((id) => !id.startsWith('stranger-')).map((deviceId) => ({ deviceId, alg: 'ES256' as const, publicKey: EC_PUBLIC_PEM })));
      const ports: Partial<Record<Transport, number>> = { tcp: embedded.port, tls: embedded.tlsPort, ws: embedded.wsPort };
      const listeners = row.transports.map((transport) => ({ transport, port: ports[transport] ?? 0 }));
      return { listeners, tls: row.transports.includes('tls') ? { ca: certs.caPath } : undefined, embedded };
    }
    const [main = 'tcp', control] = row.transports;
    let extra = row.mosquittoConfig;
    if (row.acl !== undefined) {
      const aclFile = join(dir, `acl-${Math.random().toString(36).slice(2)}`);
      writeFileSync(aclFile, row.acl);
      extra = (extra ?? []).map((line) => line.replace('{acl}', aclFile));
    }
    const options = {
      ...brokerOptions(main, suite.dir, suite.pki, row.closed !== true),
      ...(extra === undefined ? {} : { extra }),
      ...(row.mosquittoListener === undefined ? {} : { listenerExtra: row.mosquittoListener }),
    };
    const mosquitto = await MosquittoBroker.start(suite.tools.mosquitto, options);
    stops.push(() => mosquitto.stop());
    const listeners = [{ transport: main, port: mosquitto.port }, ...(control === 'tcp' ? [{ transport: control, port: mosquitto.controlPort }] : [])];
    return { listeners, tls: row.wrongCa === true ? { ca: suite.pki.otherCaFile } : scenarioTls(main, suite.pki) };
  }

  for (const row of ROWS) {
    it(row.name, { skip: row.broker === 'mosquitto' ? skipMosquitto : false }, async () => {
      // Both engines at once, each against a broker of its own: half the time, and nothing shared.
      const runs = await Promise.all(ENGINES.map((engine) => runRow(row, engine)));
      runs.forEach(({ result, broker, wire }, i) => {
        try {
          row.expect(result, broker, wire);
        } catch (error) {
          throw new Error(`${ENGINES[i]}: ${(error as Error).message}\n${JSON.stringify(comparable(result, broker))}`, { cause: error });
        }
      });
      const [lean, mqttjs] = runs.map(({ result, broker }) => comparable(result, broker));
      assert.deepEqual(lean, mqttjs, 'the engines differ');
    });
  }
});
