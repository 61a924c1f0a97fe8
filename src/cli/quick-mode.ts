/**
 * The flags of quick mode (`run --devices N …` with no file) and how `run` picks its scenario:
 * a file, or the quick scenario the flags describe. Both go through the same validation and plan.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Argv } from 'yargs';
import { ConfigError } from '../errors.js';
import { loadScenarioFile, type LoadedScenario } from '../scenario/load.js';
import { loadQuickScenario, QUICK_DEFAULTS, quickScenario, type QuickFlags } from '../scenario/quick.js';
import { applyOverrides } from '../scenario/overrides.js';
import { scenarioYaml } from '../scenario/starter.js';
import { overridesOf, type ScenarioFlags } from './scenario-options.js';
import { resolveScenarioPath } from './scenario-path.js';

export interface QuickModeArgs {
  devices?: number;
  rate?: string;
  duration?: string;
  qos?: number;
  alg?: string;
  publishRate?: string;
  printScenario: boolean;
}

const QUICK_ONLY = ['devices', 'rate', 'duration', 'qos', 'alg', 'publishRate'] as const;

export function withQuickFlags<T>(y: Argv<T>): Argv<T & QuickModeArgs> {
  return y
    .group(['devices', 'rate', 'duration', 'qos', 'alg', 'publish-rate', 'print-scenario'], 'Quick mode (no scenario file):')
    .option('devices', { type: 'number', describe: 'Quick run: this many devices connect, publish and disconnect' })
    .option('rate', { type: 'string', describe: `Quick run: connects per second across all devices (default ${QUICK_DEFAULTS.connectRate})` })
    .option('duration', { type: 'string', describe: `Quick run: how long each device publishes (default ${QUICK_DEFAULTS.duration})` })
    .option('qos', { type: 'number', describe: 'Quick run: QoS of the messages, 0, 1 or 2 (default 1)' })
    .option('alg', { type: 'string', describe: "Quick run: the devices' JWT algorithm, ES256, RS256, … (default ES256)" })
    .option('publish-rate', { type: 'string', describe: `Quick run: messages per second per device (default ${QUICK_DEFAULTS.publishRate})` })
    .option('print-scenario', {
      type: 'boolean',
      default: false,
      describe: 'Quick run: print the scenario file the flags make, instead of running it',
    }) as unknown as Argv<T & QuickModeArgs>;
}

/** The scenario of a `run`: its file, or the quick scenario; the two never mix. */
export async function loadRunScenario(args: QuickModeArgs & ScenarioFlags & { scenario?: string | undefined }): Promise<LoadedScenario> {
  const quickFlags = QUICK_ONLY.filter((name) => args[name] !== undefined).map(flagName);
  if (args.scenario !== undefined) {
    if (quickFlags.length > 0) {
      throw new ConfigError(`${quickFlags.join(', ')}: quick-mode flags go without a scenario file`, {
        hint: `with a file, use --set (e.g. --set groups.0.count=${args.devices ?? 100})`,
      });
    }
    if (args.printScenario) throw new ConfigError('--print-scenario: prints the scenario of a quick run (--devices N, no file); a file is its own scenario');
    return loadScenarioFile(resolveScenarioPath(args.scenario), { sets: overridesOf(args) });
  }
  if (args.devices === undefined) {
    throw new ConfigError('run: name a scenario file, or give --devices N for a quick run', {
      hint: 'mqtt-jwt-bench run --devices 100 --duration 10s   (or: mqtt-jwt-bench init, then run the file)',
    });
  }
  return loadQuickScenario(quickFlagsOf(args), overridesOf(args));
}

/** The YAML of the quick scenario, `--set` overrides included; call after loadRunScenario validated it. */
export function printedScenario(args: QuickModeArgs & ScenarioFlags): string {
  return scenarioYaml(applyOverrides(quickScenario(quickFlagsOf(args)), overridesOf(args)), process.cwd(), commandLine());
}

/** Writes the quick scenario (with its overrides) to `path`, for shard processes to read; returns the path. */
export async function writeQuickScenario(args: QuickModeArgs & ScenarioFlags, path: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, printedScenario(args));
  return path;
}

function quickFlagsOf(args: QuickModeArgs & ScenarioFlags): QuickFlags {
  return {
    devices: args.devices ?? 0,
    broker: args.broker,
    rate: args.rate,
    duration: args.duration,
    qos: args.qos,
    alg: args.alg,
    publishRate: args.publishRate,
  };
}

function flagName(name: (typeof QUICK_ONLY)[number]): string {
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The command as typed, without node and the script path, for the file's header comment. */
function commandLine(): string {
  return ['mqtt-jwt-bench', ...process.argv.slice(2)].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');
}
