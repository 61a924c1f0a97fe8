/**
 * Quick mode: a scenario from a handful of flags (`run --devices 100 --duration 10s`), the way
 * emqtt-bench's `conn -c 1000 -R 100` is one line. It builds a scenario object, not a plan, so it
 * goes through the same validation, defaults and planning as a file (load.ts `validateScenario`);
 * what a flag leaves out stays out, and the schema's default applies. Pure.
 */
import { ConfigError } from '../errors.js';
import { validateScenario, type LoadedScenario } from './load.js';
import { applyOverrides } from './overrides.js';

/** The name a quick run's report, keys (keys/quick/…) and messages go by. */
export const QUICK_NAME = 'quick';

/**
 * The choices quick mode makes that a scenario file would spell out. Everything else (alg ES256,
 * QoS 1, key mode per-device, the token) is the scenario schema's own default.
 */
export const QUICK_DEFAULTS = {
  broker: 'embedded',
  connectRate: '100/s',
  publishRate: '1/s',
  duration: '10s',
} as const;

export interface QuickFlags {
  devices: number;
  broker?: string | undefined;
  /** Connects per second across all devices. */
  rate?: string | undefined;
  /** How long each device publishes. */
  duration?: string | undefined;
  qos?: number | undefined;
  alg?: string | undefined;
  /** Messages per second per device. */
  publishRate?: string | undefined;
}

/** Which flag set which scenario field, so that a problem names the flag, not the field. */
export const QUICK_FLAG_OF_PATH: Readonly<Record<string, string>> = {
  broker: '--broker',
  'groups.0.count': '--devices',
  'groups.0.alg': '--alg',
  'stages.0.rate': '--rate',
  'stages.1.rate': '--publish-rate',
  'stages.1.duration': '--duration',
  'stages.1.qos': '--qos',
};

/** What quick mode hands to validation: a scenario as a user would write it, its values not yet checked. */
export interface QuickScenario {
  name: string;
  description: string;
  broker: string;
  groups: Record<string, unknown>[];
  stages: Record<string, unknown>[];
}

/** The scenario the flags describe: connect, publish, disconnect, one group. */
export function quickScenario(flags: QuickFlags): QuickScenario {
  const bad = typeof flags.devices !== 'number' || !Number.isInteger(flags.devices) || flags.devices < 1;
  if (bad) throw new ConfigError(`--devices: expected a whole number of devices, 1 or more (got ${String(flags.devices)})`);
  const group: Record<string, unknown> = { name: 'devices', count: flags.devices };
  if (flags.alg !== undefined) group['alg'] = flags.alg;
  const publish: Record<string, unknown> = {
    type: 'publish',
    rate: perSecond(flags.publishRate ?? QUICK_DEFAULTS.publishRate),
    duration: seconds(flags.duration ?? QUICK_DEFAULTS.duration),
  };
  if (flags.qos !== undefined) publish['qos'] = flags.qos;
  return {
    name: QUICK_NAME,
    description: `${flags.devices} devices connect, publish and disconnect (made by quick mode)`,
    broker: flags.broker ?? QUICK_DEFAULTS.broker,
    groups: [group],
    stages: [{ type: 'connect', rate: perSecond(flags.rate ?? QUICK_DEFAULTS.connectRate) }, publish, { type: 'disconnect' }],
  };
}

/**
 * The quick scenario validated and planned exactly as a file would be, `--set` overrides applied
 * first; a problem with a field a flag set names the flag.
 */
export function loadQuickScenario(flags: QuickFlags, sets: readonly string[] = []): LoadedScenario {
  const data = applyOverrides(quickScenario(flags), sets);
  try {
    return validateScenario(data, QUICK_NAME);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(nameFlagsIn(error.message), { cause: error });
    throw error;
  }
}

/**
 * Rewrites validation lines `quick: groups.0.count: …` as `--devices: …`, for the fields a flag
 * set; lines about other fields (from --set) stay as they are.
 */
export function nameFlagsIn(message: string, label: string = QUICK_NAME): string {
  return message
    .split('\n')
    .map((line) => {
      const match = new RegExp(`^${label}: ([\\w.]+): (.*)$`).exec(line);
      const flag = QUICK_FLAG_OF_PATH[match?.[1] ?? ''];
      return flag === undefined ? line : `${flag}: ${match?.[2] ?? ''}`;
    })
    .join('\n');
}

/** A bare number is a rate per second: `--rate 100` is `100/s`. */
function perSecond(text: string): string {
  return /^\d+(\.\d+)?$/.test(text.trim()) ? `${text.trim()}/s` : text;
}

/** A bare number is seconds: `--duration 10` is `10s`. */
function seconds(text: string): string {
  return /^\d+(\.\d+)?$/.test(text.trim()) ? `${text.trim()}s` : text;
}
