/**
 * Scenario text for people to edit: the commented starter `init` writes, and the YAML of a quick
 * run (`run --devices … --print-scenario`). Both open with the schema comment that lets editors
 * complete and check the file. Pure: the CLI writes the files.
 */
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

/** scenarios/schema.json of this package (dist/src/scenario/ → the package root). */
export const PACKAGE_SCHEMA_PATH = fileURLToPath(new URL('../../../scenarios/schema.json', import.meta.url));

/** `# yaml-language-server: $schema=…`, the path relative to the folder the file goes into. */
export function schemaComment(fromDir: string, schemaPath: string = PACKAGE_SCHEMA_PATH): string {
  const path = relative(fromDir, schemaPath).split(sep).join('/');
  return `# yaml-language-server: $schema=${path.startsWith('.') ? path : `./${path}`}`;
}

/** A quick run's scenario as a file, so that it can grow into one. */
export function scenarioYaml(scenario: unknown, fromDir: string, command: string): string {
  return `${schemaComment(fromDir)}\n# Written by \`${command}\`; run it with \`mqtt-jwt-bench run <this file>\`.\n${stringify(scenario)}`;
}

export interface StarterOptions {
  /** `embedded` or a broker URL. */
  broker: string;
  alg: string;
  name: string;
}

const RSA_FAMILY = /^(RS|PS)/;

/** The commented starter scenario of `init`: connect, publish, disconnect, with the knobs named. */
export function starterScenario(options: StarterOptions, fromDir: string): string {
  const rsa = RSA_FAMILY.test(options.alg);
  const keys = rsa
    ? `    # RSA key generation costs 100-300 ms per key on one core: a pool of 10 key pairs, handed
    # out round-robin, keeps the first run short. Every device still signs its own token.
    keys:
      mode: pool
      size: 10`
    : `    # One key pair per device, generated on the first run into keys/${options.name}/ (mode 0600,
    # git-ignored) and reused after. Other modes: pool, shared (one key from files), files.
    keys:
      mode: per-device`;
  return `${schemaComment(fromDir)}
# A starter scenario written by \`mqtt-jwt-bench init\`. Check it with
# \`mqtt-jwt-bench validate <this file>\`, run it with \`mqtt-jwt-bench run <this file>\`.
# Every field, its default and unit: docs/scenarios.md.
name: ${options.name}
description: 100 ${options.alg} devices connect at 50/s, publish 1 msg/s each for 30 s at QoS 1, then disconnect.
# "embedded" starts a JWT-verifying broker inside the harness; or a URL such as
# mqtt://127.0.0.1:1883, mqtts://host:8883, ws://host:8080/mqtt (a list spreads devices over them).
broker: ${options.broker}
groups:
  - name: sensors
    count: 100                       # devices in this group
    idPattern: device-{index:05}     # client id = device id: device-00001 ... device-00100
    alg: ${options.alg}${' '.repeat(Math.max(1, 27 - options.alg.length))}# RS256, ES256 (akenza); RS384 RS512 PS256 ES384 ES512 EdDSA
${keys}
    token:
      lifetime: 20m                  # exp - iat; refreshed before expiry in longer runs
      audience: https://akenza.io/devices/{deviceId}
    topic: /up/device/id/{deviceId}
    # A text template: {deviceId}, {seq}, {timestamp} (ms), {random:18.0..26.0}, {choice:a|b}.
    payload: '{"temperature":{random:18.0..26.0},"seq":{seq},"ts":{timestamp}}'
stages:
  - type: connect
    rate: 50/s                       # across all devices; leave out to connect all at once
  - type: publish
    rate: 1/s                        # per device (or totalRate: 100/s across them)
    duration: 30s                    # or count: N messages per device
    qos: 1
  - type: disconnect
# Pass/fail criteria; any crossed: exit 99. The grammar: docs/scenarios.md#thresholds.
# thresholds:
#   - connect.p(99)<250ms
#   - publishAck.p(99)<50ms
#   - error_rate<1%
`;
}
