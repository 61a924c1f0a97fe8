/**
 * One RabbitMQ node for a whole suite file, set up as a user would: device keys made with
 * `keys generate`, registered with `keys export --format rabbitmq` as the node's advanced.config,
 * and nothing else. Keys under `registered/` are the ones RabbitMQ knows; `unregistered/` holds
 * keys for the same device ids that it does not. The node is stopped in `after`, also when a test
 * or the start failed.
 */
import { createPrivateKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before } from 'node:test';
import { loadKeystore } from '../../src/identity/keystore.js';
import { signTokenSync, type TokenSpec } from '../../src/identity/token.js';
import { importPrivateJwk } from '../../src/identity/keys.js';
import { generateKeystore } from '../../src/coordinator/keygen.js';
import { renderTemplate } from '../../src/util/template.js';
import { runCli } from '../e2e/cli.js';
import { makeTestPki } from '../mosquitto/pki.js';
import { RabbitmqNode } from './node.js';
import { requireRabbitmq } from './tools.js';

export const RESOURCE_SERVER_ID = 'rabbitmq';
/** Write access to the device's own uplink only (MQTT `/` is `.` in the routing key). */
export const OWN_UPLINK_SCOPE = 'rabbitmq.write:*/amq.topic/.up.device.id.{deviceId}';
const OPERATOR_SCOPE = 'rabbitmq.tag:monitoring rabbitmq.read:*/*';

/** A keystore to make: `keys generate` arguments. */
export interface KeysToMake {
  file: string;
  alg: 'ES256' | 'RS256';
  count: number;
  idPattern: string;
  registered: boolean;
}

export interface RabbitmqSuite {
  dir: string;
  /** Set in `before`; read inside tests only. */
  node: RabbitmqNode;
  /** The CA that issued the node's TLS certificate (for localhost and 127.0.0.1). */
  caFile: string;
  keystore(file: string, registered?: boolean): string;
  /** RabbitMQ's own count of messages published into amq.topic, from its management API. */
  publishedIn(): Promise<number>;
  /**
   * Adds what a test says RabbitMQ accepted to the suite's running total; `acceptedSoFar` is
   * that total. RabbitMQ's statistics lag (seen: 2.5 s on a loaded machine, though they are
   * collected every 500 ms), so a count read before a run may miss the previous test's last
   * messages: comparing suite totals instead of before/after differences is immune to that.
   */
  accepted(messages: number): void;
  readonly acceptedSoFar: number;
  /** publishedIn once it has reached `expected` and held for a second, passed it, or stopped moving for 6 s. */
  settledPublishedIn(expected: number): Promise<number>;
  /** A device's private key as PKCS#8 PEM (0600), and its public key as SPKI PEM, for outside clients. */
  pemFiles(file: string, deviceId: string): Promise<{ privatePem: string; publicPem: string }>;
}

export function rabbitmqSuite(name: string, skip: string | false, keys: KeysToMake[]): RabbitmqSuite {
  const dir = mkdtempSync(join(tmpdir(), `mqtt-jwt-bench-${name}-`));
  const keystore = (file: string, registered = true): string => join(dir, registered ? 'registered' : 'unregistered', file);
  let operatorToken = '';
  let acceptedSoFar = 0;
  const suite: RabbitmqSuite = {
    dir,
    node: undefined as unknown as RabbitmqNode,
    caFile: '',
    keystore,
    publishedIn: async () => {
      const exchange = (await suite.node.managementGet('/api/exchanges/%2F/amq.topic', operatorToken)) as { message_stats?: { publish_in?: number } };
      return exchange.message_stats?.publish_in ?? 0;
    },
    accepted: (messages) => {
      acceptedSoFar += messages;
    },
    get acceptedSoFar() {
      return acceptedSoFar;
    },
    settledPublishedIn: async (expected) => {
      let last = -1;
      let steady = 0;
      for (let i = 0; i < 60; i++) {
        const now = await suite.publishedIn();
        steady = now === last ? steady + 1 : 0;
        last = now;
        if (now > expected || (now === expected && steady >= 2) || steady >= 12) break;
        await sleep(500);
      }
      return last;
    },
    pemFiles: async (file, deviceId) => {
      const entry = (await loadKeystore(keystore(file))).devices[deviceId];
      if (entry === undefined) throw new Error(`${deviceId} is not in ${file}`);
      const privatePem = join(dir, `${deviceId}-private.pem`);
      const publicPem = join(dir, `${deviceId}-public.pem`);
      writeFileSync(privatePem, createPrivateKey({ key: entry.privateKey, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
      writeFileSync(publicPem, entry.publicKey, { mode: 0o600 });
      return { privatePem, publicPem };
    },
  };
  before(async () => {
    if (skip) return;
    const tools = requireRabbitmq();
    const all: KeysToMake[] = [...keys, { file: 'operator.json', alg: 'ES256', count: 1, idPattern: 'operator', registered: true }];
    // What `keys generate` does, in this process (a CLI process per keystore costs seconds on a busy machine).
    for (const k of all) {
      mkdirSync(join(dir, k.registered ? 'registered' : 'unregistered'), { recursive: true });
      const deviceIds = Array.from({ length: k.count }, (_, i) => renderTemplate(k.idPattern, { index: i + 1 }));
      await generateKeystore({ path: keystore(k.file, k.registered), alg: k.alg, rsaBits: 2048, deviceIds, workers: 1 });
    }
    const advancedConfig = join(dir, 'exported-advanced.config');
    const exported = await runCli([
      'keys',
      'export',
      '--keys',
      join(dir, 'registered'),
      '--format',
      'rabbitmq',
      '--resource-server-id',
      RESOURCE_SERVER_ID,
      '-o',
      advancedConfig,
    ]);
    if (exported.code !== 0) throw new Error(`keys export: ${exported.stderr}`);
    const pki = await makeTestPki('openssl', dir);
    suite.caFile = pki.caFile;
    suite.node = await RabbitmqNode.start(tools, {
      dir: join(dir, 'node'),
      advancedConfig: readFileSync(advancedConfig, 'utf8'),
      tls: { caFile: pki.caFile, certFile: pki.serverCertFile, keyFile: pki.serverKeyFile },
    });
    operatorToken = await signedToken('operator.json', 'operator', {
      audienceTemplate: RESOURCE_SERVER_ID,
      lifetimeSec: 3600,
      claims: { scope: OPERATOR_SCOPE },
    });
  });
  after(async () => {
    try {
      if (!skip) await suite.node?.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  async function signedToken(file: string, deviceId: string, spec: Partial<TokenSpec>, nowSec = Date.now() / 1000): Promise<string> {
    const store = await loadKeystore(keystore(file));
    const entry = store.devices[deviceId];
    if (entry === undefined) throw new Error(`${deviceId} is not in ${file}`);
    const key = importPrivateJwk(entry.privateKey, file);
    const full: TokenSpec = { alg: store.alg, audienceTemplate: RESOURCE_SERVER_ID, lifetimeSec: 600, includeKid: true, ...spec };
    return signTokenSync(full, deviceId, key, entry.kid, nowSec);
  }
  return suite;
}
