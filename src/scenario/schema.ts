/* eslint-disable max-lines -- the whole scenario format, each field with the description editors show */
/**
 * The scenario format: what users write. This zod schema is the single source of the format's
 * shape and defaults; `scenarios/schema.json` is generated from it (`npm run schema`), and the
 * RunPlan is derived from its output in plan.ts.
 *
 * Longer than 300 lines on purpose: it is the whole scenario format, each field with the
 * description editors show, so the format has one definition to read.
 */
import { z } from 'zod';
import { ALGORITHMS } from '../identity/algorithms.js';
import { DEFAULT_AUDIENCE_TEMPLATE, RESERVED_CLAIMS, RESERVED_HEADERS } from '../identity/token.js';
import {
  DURATION_EXAMPLE,
  DURATION_PATTERN,
  parseDurationMs,
  parseRatePerSec,
  parseSizeBytes,
  RATE_EXAMPLE,
  RATE_PATTERN,
  SIZE_EXAMPLE,
  SIZE_PATTERN,
} from './units.js';

/**
 * Text with a unit, checked against its pattern and turned into a number (ms, per second, bytes),
 * so the plan never parses it again. Defaults of these fields are prefaults: written as text, as
 * users write them, and parsed like any other value.
 */
function withUnit(pattern: string, example: string, parse: (text: string) => number | undefined, refused: string) {
  return z
    .string()
    .regex(new RegExp(pattern), { error: `expected ${example}`, abort: true })
    .transform((text, ctx) => {
      const value = parse(text);
      if (value !== undefined) return value;
      ctx.issues.push({ code: 'custom', message: refused, input: text });
      return z.NEVER;
    });
}
/** Milliseconds. */
const duration = withUnit(DURATION_PATTERN, DURATION_EXAMPLE, parseDurationMs, `expected ${DURATION_EXAMPLE}`);
/** Per second. */
const rate = withUnit(RATE_PATTERN, RATE_EXAMPLE, parseRatePerSec, 'expected a rate above zero');
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: 'expected a name of letters, digits, ".", "_" or "-"' });
const groupNames = z.array(name).min(1).optional().describe('Groups this stage applies to (default: all).');
const order = z
  .enum(['grouped', 'interleaved'])
  .default('grouped')
  .describe(
    "How the stage orders its groups' devices: grouped (each group after the other) or interleaved (one device of each group in turn, so all groups meet the same conditions).",
  );

export const DEFAULT_PAYLOAD_TEMPLATE = '{"temperature":21.5,"seq":{seq},"ts":{timestamp}}';
export const DEFAULT_UPLINK_TOPIC = '/up/device/id/{deviceId}';
export const DEFAULT_DOWNLINK_TOPIC = '/down/device/id/{deviceId}';

const brokerUrl = z
  .string()
  .regex(/^(mqtt|mqtts|ws|wss):\/\/[^\s/]+/, { error: 'expected "embedded" or a URL like mqtt://127.0.0.1:1883 (mqtt, mqtts, ws or wss)' });

/** A comma list on the command line (`--broker mqtt://a:1883,mqtt://b:1883`) is a list too. */
const brokerList = z.preprocess(
  (value) => (typeof value === 'string' && value.includes(',') ? value.split(',').map((u) => u.trim()) : value),
  z.union([z.literal('embedded'), brokerUrl, z.array(brokerUrl).min(1)], { error: 'expected "embedded", a URL like mqtt://127.0.0.1:1883, or a list of URLs' }),
);

const localAddress = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .optional()
  .describe("Source addresses of the devices' sockets: 127.0.0.2,127.0.0.3 or a range 127.0.0.2-127.0.0.9 (or a list of either).");

export const RECONNECT_DEFAULTS = { enabled: true, initialDelay: '250ms', maxDelay: '5s', maxAttempts: 10 } as const;
const reconnect = z
  .strictObject({
    enabled: z.boolean().default(RECONNECT_DEFAULTS.enabled).describe('Reconnect a device whose connection was lost (not one the harness closed).'),
    initialDelay: duration.prefault(RECONNECT_DEFAULTS.initialDelay).describe('Backoff before the first attempt; doubles each attempt.'),
    maxDelay: duration.prefault(RECONNECT_DEFAULTS.maxDelay).describe('Longest backoff between attempts.'),
    maxAttempts: z.int().min(1).max(1000).default(RECONNECT_DEFAULTS.maxAttempts).describe('Attempts before the device gives up.'),
  })
  .describe('Reconnects after a lost connection: exponential backoff, each delay jittered to 50-100%.');

const passphraseEnv = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected the name of an environment variable' })
  .optional()
  .describe('Environment variable holding the passphrase of encrypted PKCS#8 keys.');

const keyModes = z.discriminatedUnion('mode', [
  z.strictObject({
    mode: z.literal('per-device').describe('One key pair per device, generated once into a keystore and reused.'),
    store: z.string().min(1).optional().describe('Keystore file (default keys/<scenario>/<group>-<alg>.json).'),
  }),
  z.strictObject({
    mode: z.literal('pool').describe('K key pairs handed out round-robin: large RSA fleets without K = count keygens.'),
    size: z.int().min(1).max(100_000).describe('K, the number of key pairs.'),
    store: z.string().min(1).optional().describe('Keystore file (default keys/<scenario>/<group>-<alg>-pool.json).'),
  }),
  z.strictObject({
    mode: z.literal('shared').describe('One key pair for every device, from files (as the akenza examples do).'),
    privateKey: z.string().min(1).describe('Private key PEM: PKCS#8, PKCS#1 or SEC1; encrypted PKCS#8 with passphraseEnv.'),
    publicKey: z.string().min(1).optional().describe('SPKI PEM or X.509 certificate PEM; the kid is its fingerprint. Default: derived from the private key.'),
    passphraseEnv,
  }),
  z.strictObject({
    mode: z.literal('files').describe('A folder with one private key per device: <dir>/<deviceId>.pem (and optionally <deviceId>.pub.pem).'),
    dir: z.string().min(1),
    passphraseEnv,
  }),
]);

/** `keys:` without a mode means per-device, the default. */
const keys = z
  .preprocess((value) => (typeof value === 'object' && value !== null && !('mode' in value) ? { ...value, mode: 'per-device' } : value), keyModes)
  .describe('Where device keys come from.');

const extraValue = z.union([z.string(), z.number(), z.boolean()]);
const extras = (reserved: readonly string[], what: string) =>
  z
    .record(z.string(), extraValue)
    .refine((record) => !Object.keys(record).some((k) => reserved.includes(k)), { error: `${what} may not set ${reserved.join(', ')} (the harness sets them)` })
    .optional();

const token = z
  .strictObject({
    lifetime: duration.prefault('20m').describe('exp − iat.'),
    audience: z.string().min(1).default(DEFAULT_AUDIENCE_TEMPLATE).describe('The aud claim; {deviceId} is replaced.'),
    kid: z.boolean().default(true).describe('Put the key fingerprint in the header as kid.'),
    refreshBefore: duration
      .optional()
      .describe(
        'In runs longer than the lifetime, reconnect with a fresh token this long before exp; default 1m, or a quarter of the lifetime when that is shorter.',
      ),
    refresh: z
      .enum(['reconnect', 'reauth'])
      .default('reconnect')
      .describe(
        'How a device swaps in a fresh token: reconnect (DISCONNECT, then CONNECT with the new token) or reauth (MQTT 5 with mqtt.auth: method: AUTH 0x19 on the open connection; falls back to reconnect where the broker refuses it).',
      ),
    claims: extras(RESERVED_CLAIMS, 'token.claims').describe('Extra claims; string values are templates ({deviceId}).'),
    headers: extras(RESERVED_HEADERS, 'token.headers').describe('Extra protected headers; string values are templates.'),
  })
  .describe('Claims of each device token.');

/** Bytes. */
const size = withUnit(SIZE_PATTERN, SIZE_EXAMPLE, parseSizeBytes, `expected ${SIZE_EXAMPLE}`);

const payload = z
  .union([
    z.string().describe('Text template: {deviceId}, {group}, {seq}, {timestamp} (ms), {random:18..25}, {random:18.0..25.5}, {choice:a|b|c}.'),
    z.strictObject({
      json: z.record(z.string(), z.unknown()).describe('A JSON object; string values are templates, and one numeric placeholder alone gives a number.'),
    }),
    z.strictObject({ size: size.describe('A payload of exactly this many bytes.') }),
  ])
  .describe('What each message carries: a text template, { json: {...} } or { size: 256B }.');

export const groupSchema = z
  .strictObject({
    name,
    count: z.int().min(1).max(1_000_000).optional().describe('Number of devices; with ids, default: every id in the file.'),
    idPattern: z.string().min(1).optional().describe('Device id; {index} counts from 1, {index:05} pads. Default device-{index:05}.'),
    ids: z.string().min(1).optional().describe('A file of device ids, one per line (blank lines and # comments skipped), instead of idPattern.'),
    alg: z.enum(ALGORITHMS).default('ES256'),
    rsaBits: z.union([z.literal(2048), z.literal(3072), z.literal(4096)]).default(2048),
    keys: keys.default({ mode: 'per-device' }),
    token: token.prefault({ lifetime: '20m', audience: DEFAULT_AUDIENCE_TEMPLATE, kid: true }),
    topic: z.string().min(1).default(DEFAULT_UPLINK_TOPIC).describe('Uplink topic; {deviceId}, {group}, {seq}.'),
    payload: payload.prefault(DEFAULT_PAYLOAD_TEMPLATE),
  })
  .describe('A group of devices that share credentials, topic and payload.');

/**
 * MQTT 5 user properties (§3.3.2.3.7): names and values are UTF-8 strings, so a number or a
 * boolean is refused rather than turned into text behind the user's back.
 */
const userProperties = z
  .record(z.string().min(1), z.string({ error: 'a user property is a pair of strings (name: "value"); quote numbers and booleans' }), {
    error: 'expected user properties as name: "value" pairs of strings',
  })
  .optional();
/** MQTT 5 properties of a message (§3.3.2.3): of a PUBLISH, or of a will (§3.1.3.2). */
const messageProperties = {
  userProperties: userProperties.describe('MQTT 5 user properties, name: "value"; values are templates: {deviceId}, {group}, {seq}.'),
  contentType: z.string().min(1).optional().describe('MQTT 5 Content Type, a MIME type like application/json.'),
  payloadFormat: z.enum(['bytes', 'utf8']).optional().describe('MQTT 5 Payload Format Indicator: utf8 (1, the payload is UTF-8 text) or bytes (0).'),
  messageExpiry: duration.optional().describe('MQTT 5 Message Expiry Interval, whole seconds: the broker drops the message if it cannot deliver it in time.'),
};
const publishProperties = z
  .strictObject({
    ...messageProperties,
    topicAlias: z
      .enum(['auto', 'off'])
      .default('off')
      .describe("auto: MQTT 5 topic aliases, one per topic up to the broker's Topic Alias Maximum (CONNACK); later topics go in full."),
  })
  .describe('MQTT 5 properties of each PUBLISH.');
const will = z
  .strictObject({
    topic: z.string().min(1).describe('Will topic; {deviceId}.'),
    payload: z.string().default('').describe('Will payload, a text template; {deviceId}.'),
    qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(0),
    retain: z.boolean().default(false),
    delay: duration.optional().describe('MQTT 5 Will Delay Interval, whole seconds; no longer than mqtt.sessionExpiry.'),
    properties: z.strictObject(messageProperties).optional().describe('MQTT 5 properties of the will message.'),
  })
  .describe('The will message the broker publishes when a device vanishes without DISCONNECT (a `drop` stage).');

const ramp = z
  .strictObject({ from: rate, to: rate, over: duration })
  .describe('A rate that changes linearly from `from` to `to` over `over`; later arrivals keep `to`.');
const connectStage = z.strictObject({
  type: z.literal('connect'),
  rate: rate.optional().describe('Connects per second across all devices; absent (and no ramp): all at once.'),
  ramp: ramp.optional(),
  groups: groupNames,
  order,
});
const publishStage = z.strictObject({
  type: z.literal('publish'),
  rate: rate.optional().describe('Messages per second per device.'),
  totalRate: rate.optional().describe("Messages per second across the stage's devices (instead of rate)."),
  duration: duration.optional().describe('How long to publish.'),
  count: z.int().min(1).optional().describe('Messages per device (instead of duration).'),
  qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
  retain: z.boolean().default(false),
  properties: publishProperties.optional(),
  groups: groupNames,
  order,
});
const holdStage = z.strictObject({ type: z.literal('hold'), duration, groups: groupNames });
const subscribeStage = z.strictObject({
  type: z.literal('subscribe'),
  topic: z.string().min(1).default(DEFAULT_DOWNLINK_TOPIC).describe('Topic filter to subscribe to; {deviceId}, {group}; + and # wildcards.'),
  qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
  measure: z
    .enum(['uplink', 'downlink', 'wills'])
    .default('downlink')
    .describe('Which latency the received messages give: uplinkUs or downlinkUs; wills: count will messages (wills.received), no latency.'),
  timestampField: z.string().min(1).default('ts').describe('JSON field of the payload holding the send time (epoch ms).'),
  groups: groupNames,
});
const disconnectStage = z.strictObject({
  type: z.literal('disconnect'),
  rate: rate.optional().describe('Disconnects per second across all devices; absent: all at once.'),
  groups: groupNames,
});
const reconnectStormStage = z.strictObject({
  type: z.literal('reconnect-storm'),
  percent: z.number().gt(0).max(100).describe('Share of the connected devices whose connection drops abruptly (no DISCONNECT).'),
  rate: rate.optional().describe('Reconnects per second across all dropped devices; absent: all at once.'),
  groups: groupNames,
});
const dropStage = z
  .strictObject({
    type: z.literal('drop'),
    percent: z.number().gt(0).max(100).default(100).describe('Share of the connected devices whose connection drops.'),
    groups: groupNames,
  })
  .describe('Connections close abruptly (socket reset, no DISCONNECT) and stay down, so the broker publishes their wills.');
const downlinkStage = z
  .strictObject({
    type: z.literal('downlink'),
    from: name.describe('The group whose clients send the downlinks (a backend; one client is enough).'),
    rate: rate.optional().describe('Downlinks per second to each receiving device.'),
    totalRate: rate.optional().describe('Downlinks per second across the receiving devices (instead of rate).'),
    duration: duration.optional(),
    count: z.int().min(1).optional().describe('Downlinks per receiving device (instead of duration).'),
    qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
    topic: z.string().min(1).default(DEFAULT_DOWNLINK_TOPIC).describe('Topic of each downlink; {deviceId} is the receiving device.'),
    groups: groupNames.describe('The receiving groups (default: every group but `from`).'),
  })
  .describe('A backend client publishes to the devices\' downlink topics on a planned schedule; payload {"ts": epoch ms, "seq": n}.');
const pauseStage = z.strictObject({ type: z.literal('pause'), duration }).describe('Nothing happens for a while; no connection is needed.');

export const stageSchema = z.discriminatedUnion('type', [
  connectStage,
  publishStage,
  subscribeStage,
  holdStage,
  disconnectStage,
  reconnectStormStage,
  dropStage,
  downlinkStage,
  pauseStage,
]);

/** The `mqtt:` defaults, the one place they live. */
export const MQTT_DEFAULTS = {
  protocolVersion: 4,
  keepalive: '60s',
  connectTimeout: '30s',
  clean: true,
  reconnect: RECONNECT_DEFAULTS,
  tlsResumption: false,
  engine: 'lean',
  qosAboveMaximum: 'refuse',
  auth: 'password',
  authMethod: 'CUSTOM-JWT',
} as const;
const mqtt = z.strictObject({
  protocolVersion: z
    .union([z.literal(4), z.literal(5)])
    .default(MQTT_DEFAULTS.protocolVersion)
    .describe('4 = MQTT 3.1.1, 5 = MQTT 5.'),
  keepalive: duration.prefault(MQTT_DEFAULTS.keepalive),
  connectTimeout: duration.prefault(MQTT_DEFAULTS.connectTimeout),
  clean: z.boolean().default(MQTT_DEFAULTS.clean).describe('Clean session (3.1.1) or clean start (5).'),
  sessionExpiry: duration.optional().describe('MQTT 5 only: how long the broker keeps the session after the connection ends (default 0).'),
  userProperties: userProperties.describe('MQTT 5 user properties of each CONNECT, name: "value"; values are templates: {deviceId}.'),
  will: will.optional(),
  reconnect: reconnect.prefault(MQTT_DEFAULTS.reconnect),
  auth: z
    .enum(['password', 'method'])
    .default(MQTT_DEFAULTS.auth)
    .describe(
      'How a device presents its token at CONNECT: password (akenza: the token is the password) or method (MQTT 5: Authentication Method mqtt.authMethod with the token as Authentication Data).',
    ),
  authMethod: z
    .string()
    .default(MQTT_DEFAULTS.authMethod)
    .describe('The Authentication Method name under auth: method (1 to 65535 bytes of UTF-8); Azure Event Grid and the embedded broker use CUSTOM-JWT.'),
  qosAboveMaximum: z
    .enum(['refuse', 'downgrade'])
    .default(MQTT_DEFAULTS.qosAboveMaximum)
    .describe(
      "MQTT 5: a publish above the broker's Maximum QoS (CONNACK) is refused before sending (refuse) or sent at the broker's maximum (downgrade); counted either way.",
    ),
  tlsResumption: z
    .boolean()
    .default(false)
    .describe('mqtts:// only: a device that connects again (token refresh, reconnect) resumes its last TLS session with a ticket instead of a full handshake.'),
  engine: z
    .enum(['lean', 'mqttjs'])
    .default(MQTT_DEFAULTS.engine)
    .describe(
      'lean: bare sockets (or WebSocket streams) and mqtt-packet, a fifth to a third of the memory per connection. mqttjs: MQTT.js, the reference; both behave alike.',
    ),
});

const threshold = z.string().min(1).describe('A threshold, like connect.p(99)<250ms or error_rate<1% (docs/scenarios.md#thresholds).');
const thresholds = z
  .array(
    z.union([threshold, z.strictObject({ threshold, abortOnFail: z.boolean().default(false).describe('Stop the run as soon as this threshold is crossed.') })]),
  )
  .default([])
  .describe('Pass/fail criteria, checked at the end of the run (or during it, with abortOnFail); any crossed: exit 99.');

const downlink = z
  .strictObject({
    interval: duration.describe('One downlink to every connected device this often.'),
    qos: z.union([z.literal(0), z.literal(1)]).default(1),
  })
  .describe('Scheduled downlinks to /down/device/id/{deviceId}, payload {"ts": epoch ms, "seq": n}.');

export const EMBEDDED_DEFAULTS = {
  skew: '60s',
  maxLifetime: '24h',
  requireKid: true,
  tls: false,
  expiryDisconnect: true,
  maxQos: 1,
  connectTimeout: '10s',
  maxPacketSize: '256KiB',
  maxTokenSize: '8KiB',
} as const;
// Client-side TLS for mqtts:// and wss:// brokers. Files are read by the coordinator, never by
// workers, and only their contents travel to the workers.
const tls = z.strictObject({
  ca: z.string().min(1).optional().describe('PEM file of the CA(s) to trust instead of the system store.'),
  cert: z.string().min(1).optional().describe('PEM client certificate, for mutual TLS (needs key).'),
  key: z.string().min(1).optional().describe('PEM private key of the client certificate (needs cert).'),
  servername: z.string().min(1).optional().describe('SNI name and the name the certificate must carry (default: the URL host).'),
  minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
  rejectUnauthorized: z.boolean().default(true).describe('false turns certificate verification off: for tests only, and warned about.'),
});

const embedded = z.strictObject({
  skew: duration.prefault(EMBEDDED_DEFAULTS.skew).describe('Allowed clock skew for exp and iat.'),
  maxLifetime: duration.prefault(EMBEDDED_DEFAULTS.maxLifetime).describe('Longest token lifetime the broker accepts.'),
  requireKid: z.boolean().default(EMBEDDED_DEFAULTS.requireKid),
  tls: z.boolean().default(EMBEDDED_DEFAULTS.tls).describe('Devices connect over TLS, trusting a local CA made once in .certs/, verification on.'),
  expiryDisconnect: z
    .boolean()
    .default(EMBEDDED_DEFAULTS.expiryDisconnect)
    .describe('Disconnect a session once its token has expired for longer than the skew.'),
  maxQos: z
    .union([z.literal(1), z.literal(2)])
    .default(EMBEDDED_DEFAULTS.maxQos)
    .describe('Highest QoS devices may publish with; 2 must be allowed explicitly.'),
  connectTimeout: duration.prefault(EMBEDDED_DEFAULTS.connectTimeout).describe('Drop a connection that sends no CONNECT within this time.'),
  maxPacketSize: size.prefault(EMBEDDED_DEFAULTS.maxPacketSize).describe('Largest MQTT packet accepted; a larger one closes the connection.'),
  maxTokenSize: size.prefault(EMBEDDED_DEFAULTS.maxTokenSize).describe('Largest token accepted.'),
  downlink: downlink.optional(),
});

const capacity = z
  .strictObject({
    thresholds: z.array(threshold).min(1).describe('Checked on each connect stage by itself, as soon as it ends.'),
    stopAtBreak: z.boolean().default(true).describe('End the run (complete) at the first connect stage that breaks a threshold.'),
  })
  .describe('Capacity search: connect stages at rising rates; the report names the last rate that held.');

export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: name.optional().describe('Names the report; default: the file name.'),
    description: z.string().optional(),
    broker: brokerList.default('embedded').describe('embedded, a broker URL, or a list of URLs that devices are spread across (device k: URL k mod n).'),
    localAddress,
    workers: z.int().min(1).max(64).optional().describe('Worker threads; default: one per available core.'),
    mqtt: mqtt.prefault(MQTT_DEFAULTS),
    tls: tls.optional().describe('TLS settings of the client, for mqtts:// and wss:// brokers.'),
    embedded: embedded.prefault(EMBEDDED_DEFAULTS).describe('Settings of the embedded broker.'),
    groups: z.array(groupSchema).min(1),
    stages: z.array(stageSchema).min(1),
    thresholds,
    capacity: capacity.optional(),
    expect: z
      .enum(['delivery', 'refusals'])
      .default('delivery')
      .describe(
        'delivery: a run where no device connected, or that sent under minSentPercent of its plan, failed (exit 5). refusals: the broker is expected to refuse (a refusal test), so neither is a failure.',
      ),
    clock: z
      .strictObject({
        probe: z
          .boolean()
          .default(true)
          .describe("Measure each worker's clock against shard 0's in a run of several shards (run --processes turns it off: one machine, one clock)."),
        correct: z.boolean().default(true).describe("Time cross-shard latencies on shard 0's clock (false: only measure the offsets)."),
        topic: z
          .string()
          .regex(/^[^#+\s]+$/, { error: 'expected a topic without wildcards; {runId} is replaced' })
          .default('mqtt-jwt-bench/clock/{runId}')
          .describe("Where the shards' clock probes meet on the broker; {runId} is the run id."),
        interval: duration.prefault('30s').describe('How often each worker measures its clock offset again, to follow drift.'),
      })
      .prefault({})
      .describe('In a run of several shards: each worker measures its clock against shard 0 through the broker and corrects latencies by it.'),
    stopEarly: z
      .boolean()
      .default(true)
      .describe(
        'Stop the run (failed, exit 5) when nothing can be measured: every connect of a connect stage failed, or no device is connected when a publish stage starts. false: run every stage anyway. Off with expect: refusals.',
      ),
    minSentPercent: z
      .number()
      .min(0)
      .max(100)
      .default(95)
      .describe(
        'The share of the planned messages a run must send, in percent (0: no minimum). Not checked in a capacity search, which stops where the broker breaks.',
      ),
    judgeGenerator: z
      .boolean()
      .default(true)
      .describe(
        "false: record the generator's figures (CPU, event loops, send lag, each stage's pace) without judging them: the report never calls the generator saturated or a stage behind plan, so the run never exits 6 for it, and it says the verdict was off. For functional runs on a shared machine (CI), where the harness's own speed is not under test.",
      ),
  })
  .describe('An mqtt-jwt-bench scenario.');

/** What users write: mostly optional. */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** The file after validation, defaults applied. */
export type Scenario = z.output<typeof scenarioSchema>;
/** One group of a validated Scenario (zod output: defaults applied, units as numbers). */
export type ScenarioGroup = z.output<typeof groupSchema>;
/** One stage of a validated Scenario. */
export type ScenarioStage = z.output<typeof stageSchema>;
