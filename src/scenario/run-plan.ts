/**
 * The RunPlan: what the code runs, every default applied and every field required (STYLE.md's two
 * types: `ScenarioInput` is what users write, this is what runs). Plain, serialisable data; built
 * by buildPlan (plan.ts), read by every part below the CLI.
 */
import type { Algorithm } from '../identity/algorithms.js';
import type { ExtraValue } from '../identity/token.js';
import type { Threshold } from './threshold.js';
import type { TlsPlan } from './tls-plan.js';
import type { StageOrder } from './stage-layout.js';
import type { RampPlan } from './arrival.js';
import type { PayloadPlan } from './payload.js';
import type { DownlinkPlan, DropPlan, PausePlan, ReconnectStormPlan } from './plan-stages.js';

export type { TlsPlan } from './tls-plan.js';

/** `url` is the first of `urls`; devices are spread over `urls` (src/worker/endpoint.ts). */
export type BrokerPlan = { kind: 'embedded' } | { kind: 'url'; url: string; urls: string[] };

export interface ReconnectPlan {
  enabled: boolean;
  initialDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
}

/** MQTT 5 properties of a message (§3.3.2.3), of a PUBLISH or a will; MQTT 5 only. */
export interface MessagePropertiesPlan {
  /** Name → value template; empty: none sent. */
  userProperties: Record<string, string>;
  contentType: string | null;
  /** Payload Format Indicator: utf8 is 1, bytes 0; null: not sent. */
  payloadFormat: 'bytes' | 'utf8' | null;
  messageExpirySec: number | null;
}

export interface PublishPropertiesPlan extends MessagePropertiesPlan {
  /** Topic aliases (§3.3.2.3.4), one per topic up to the broker's Topic Alias Maximum. */
  topicAlias: boolean;
}

/** The will message of every device's CONNECT (§3.1.2.5, §3.1.3.2). */
export interface WillPlan {
  /** Templates with {deviceId}. */
  topicTemplate: string;
  payloadTemplate: string;
  qos: 0 | 1 | 2;
  retain: boolean;
  /** MQTT 5 Will Delay Interval; null: not sent (0). */
  delaySec: number | null;
  /** MQTT 5 only; null: none. */
  properties: MessagePropertiesPlan | null;
}

export interface MqttPlan {
  protocolVersion: 4 | 5;
  keepaliveSec: number;
  connectTimeoutMs: number;
  clean: boolean;
  /** MQTT 5 Session Expiry Interval [MQTT-3.1.2.11.2]; null: not sent (0, the session ends with the connection). */
  sessionExpirySec: number | null;
  /** MQTT 5 user properties of each CONNECT, name → value template ({deviceId}); empty: none. */
  userProperties: Record<string, string>;
  will: WillPlan | null;
  reconnect: ReconnectPlan;
  engine: 'mqttjs' | 'lean';
  /** MQTT 5: a publish above the broker's Maximum QoS (§3.2.2.3.4) is refused before sending, or sent at that maximum. */
  qosAboveMaximum: 'refuse' | 'downgrade';
  /** Resume each device's last TLS session on its next connection (mqtts://); false: a full handshake every time. */
  tlsResumption: boolean;
  /** How each device presents its token at CONNECT: the password (akenza), or MQTT 5 Authentication Method + Data (§4.12). */
  auth: AuthPlan;
}

/** `password`: the token as the CONNECT's password; `method`: MQTT 5 Authentication Method `method` with the token as Authentication Data (§3.1.2.11.9-10). */
export type AuthPlan = { way: 'password' } | { way: 'method'; method: string };

export interface EmbeddedBrokerPlan {
  skewSec: number;
  maxLifetimeSec: number;
  requireKid: boolean;
  maxTokenBytes: number;
  tls: boolean;
  expiryDisconnect: boolean;
  maxQos: 1 | 2;
  connectTimeoutMs: number;
  maxPacketBytes: number;
  downlink: { intervalMs: number; qos: 0 | 1 } | null;
}

export type KeySourcePlan =
  | { mode: 'per-device'; storePath: string }
  | { mode: 'pool'; storePath: string; size: number }
  | { mode: 'shared'; privateKeyPath: string; publicKeyPath: string | null; passphraseEnv: string | null }
  | { mode: 'files'; dir: string; passphraseEnv: string | null };

export interface TokenPlan {
  lifetimeSec: number;
  audienceTemplate: string;
  includeKid: boolean;
  refreshBeforeSec: number;
  /** How a fresh token is swapped in: a reconnect, or MQTT 5 re-authentication (AUTH 0x19) on the open connection. */
  refresh: 'reconnect' | 'reauth';
  claims: Record<string, ExtraValue>;
  headers: Record<string, ExtraValue>;
}

export interface GroupPlan {
  name: string;
  count: number;
  /** Global index of this group's first device, across all groups in order. */
  firstIndex: number;
  /** The id pattern, or the id list file's path when `ids` is set. */
  idPattern: string;
  /** Device ids from a list file, in order; null: from idPattern. */
  ids: string[] | null;
  alg: Algorithm;
  rsaBits: number;
  keys: KeySourcePlan;
  token: TokenPlan;
  topicTemplate: string;
  /** The text template of `payload` (a JSON template as text; empty for a sized payload). */
  payloadTemplate: string;
  payload: PayloadPlan;
}

export type StagePlan =
  | { type: 'connect'; groups: string[]; ratePerSec: number | null; ramp: RampPlan | null; order: StageOrder }
  | {
      type: 'publish';
      groups: string[];
      ratePerDevicePerSec: number;
      countPerDevice: number;
      qos: 0 | 1 | 2;
      retain: boolean;
      order: StageOrder;
      /** MQTT 5 only; null: none. */
      properties: PublishPropertiesPlan | null;
    }
  | { type: 'subscribe'; groups: string[]; topicTemplate: string; qos: 0 | 1 | 2; measure: 'uplink' | 'downlink' | 'wills'; timestampField: string }
  | { type: 'hold'; groups: string[]; durationMs: number }
  | { type: 'disconnect'; groups: string[]; ratePerSec: number | null }
  | ReconnectStormPlan
  | DropPlan
  | DownlinkPlan
  | PausePlan;

export interface CapacityPlan {
  /** Checked on each connect stage's own figures as soon as it ends. */
  thresholds: Threshold[];
  stopAtBreak: boolean;
}

export interface RunPlan {
  scenarioName: string;
  broker: BrokerPlan;
  /** Source addresses the devices' sockets are spread over; empty: the kernel chooses. */
  localAddresses: string[];
  workers: number;
  mqtt: MqttPlan;
  /** Client TLS for mqtts:// and wss:// brokers; null: Node's defaults (system CAs, verification on). */
  tls: TlsPlan | null;
  embedded: EmbeddedBrokerPlan;
  groups: GroupPlan[];
  stages: StagePlan[];
  /** Parsed from the scenario's `thresholds:`; `--threshold` flags are added by the CLI. */
  thresholds: Threshold[];
  /** Capacity search over connect stages at rising rates; null: none. */
  capacity: CapacityPlan | null;
  /** `refusals`: refused connections are what the run is for (no exit 5 for a run that did not happen). */
  expect: 'delivery' | 'refusals';
  /** A run that sent under this share of its planned messages did not happen (exit 5); 0: no minimum. */
  minSentPercent: number;
  /** false: the generator's saturation and each stage's pace are recorded, not judged (never exit 6). */
  judgeGenerator: boolean;
  /** Stop (failed, exit 5) once nothing can be measured: a connect stage all refused, or none connected at a publish stage. */
  stopEarly: boolean;
  /** The clock probe of a run of several shards (src/worker/clock-probe.ts). */
  clock: ClockPlan;
}

export interface ClockPlan {
  /** Measure the offsets at all (false under `run --processes`: the shards share one clock). */
  probe: boolean;
  /** Time cross-shard latencies on the reference's clock; false: only measure the offsets. */
  correct: boolean;
  /** `{runId}` is replaced by the run id. */
  topicTemplate: string;
  intervalMs: number;
}

export interface PlanProblem {
  path: (string | number)[];
  message: string;
}
