/**
 * Every group's device keys, resolved before the workers start: from a keystore (per-device,
 * pool), or from the user's files (shared, files). Workers never read the scenario's files; they
 * get PEM strings, and generate only the per-device keys a keystore lacks.
 */
import { join } from 'node:path';
import { errorMessage } from '../errors.js';
import { checkedPair, loadKeyPairFiles, passphraseFrom, readKeyFile, type LoadedKey } from '../identity/key-files.js';
import { fingerprint, generateKeyObjects, parsePrivateKey, parsePublicKey, pemOf } from '../identity/keys.js';
import { loadKeystore, saveKeystore, type Keystore, type KeystoreEntry } from '../identity/keystore.js';
import type { DeviceRecord } from '../identity/registry-file.js';
import { deviceId } from '../scenario/plan.js';
import type { GroupPlan, RunPlan } from '../scenario/run-plan.js';
import { WHOLE_RUN, type ShardSpec } from './shards.js';

export interface GroupCredentials {
  /** The key of device `localIndex`, or undefined when the worker must generate it. */
  keyFor(localIndex: number, id: string): KeystoreEntry | undefined;
  /** Per-device keystores take newly generated keys and are saved as they grow. */
  keystore?: { path: string; store: Keystore };
  /** Warnings to show before the run (small RSA keys). */
  warnings: string[];
  /** Keys generated here, before the workers start (a pool's missing keys); the report counts them as keysGenerated. */
  keysGenerated?: number;
}

/**
 * A shard of a distributed run reads the group's keystore as it is (keys made beforehand with
 * `keys generate` are shared by every shard) and writes the keys it must generate to a keystore
 * of its own, `<store>.shard-<i>-of-<N>.json`, so that shards never write the same file.
 */
export function shardKeystorePath(storePath: string, shard: ShardSpec): string {
  return shard.count === 1 ? storePath : `${storePath.replace(/\.json$/, '')}.shard-${shard.index}-of-${shard.count}.json`;
}

export async function resolveCredentials(group: GroupPlan, env: NodeJS.ProcessEnv = process.env, shard: ShardSpec = WHOLE_RUN): Promise<GroupCredentials> {
  const keys = group.keys;
  switch (keys.mode) {
    case 'per-device': {
      const path = shardKeystorePath(keys.storePath, shard);
      const store = await loadKeystore(path, group.alg);
      const base = path === keys.storePath ? store : await loadKeystore(keys.storePath, group.alg);
      return { keyFor: (_i, id) => store.devices[id] ?? base.devices[id], keystore: { path, store }, warnings: [] };
    }
    case 'pool': {
      const { entries, generated } = await loadPool(group, keys.storePath, keys.size);
      return { keyFor: (i) => entries[i % entries.length], warnings: [], keysGenerated: generated };
    }
    case 'shared': {
      const passphrase = passphraseFrom(keys.passphraseEnv, env, keys.privateKeyPath);
      const key = await loadKeyPairFiles(group.alg, keys.privateKeyPath, keys.publicKeyPath, passphrase);
      return { keyFor: () => key, warnings: smallKeyWarning(key, keys.privateKeyPath) };
    }
    case 'files':
      return loadFolder(group, keys.dir, passphraseFrom(keys.passphraseEnv, env, keys.dir));
  }
}

function smallKeyWarning(key: LoadedKey, path: string): string[] {
  return key.rsaBits !== undefined && key.rsaBits < 2048 ? [`${path}: RSA key of ${key.rsaBits} bits; 2048 is the least that RFC 7518 §3.3 allows`] : [];
}

/** The pool's K keys, generating (off the event loop) and saving the ones the keystore lacks. */
async function loadPool(group: GroupPlan, path: string, size: number): Promise<{ entries: KeystoreEntry[]; generated: number }> {
  const store = await loadKeystore(path, group.alg);
  const names = Array.from({ length: size }, (_, k) => `pool-${String(k + 1).padStart(5, '0')}`);
  const missing = names.filter((name) => store.devices[name] === undefined);
  if (missing.length > 0) {
    for (const name of missing) {
      const pair = await generateKeyObjects(group.alg, group.rsaBits);
      store.devices[name] = {
        privateKey: pair.privateKey.export({ format: 'jwk' }),
        publicKey: pemOf(pair.publicKey, 'spki'),
        kid: fingerprint(pair.publicKey),
      };
    }
    await saveKeystore(path, store);
  }
  return { entries: names.map((name) => store.devices[name] as KeystoreEntry), generated: missing.length };
}

/** `files` mode: `<dir>/<deviceId>.pem`, and `<dir>/<deviceId>.pub.pem` where it exists. */
async function loadFolder(group: GroupPlan, dir: string, passphrase: string | undefined): Promise<GroupCredentials> {
  const byId = new Map<string, LoadedKey>();
  const warnings: string[] = [];
  for (let i = 0; i < group.count; i++) {
    const id = deviceId(group, i);
    const privatePath = join(dir, `${id}.pem`);
    const privateKey = parsePrivateKey(await readKeyFile(privatePath, `private key of ${id}`), privatePath, passphrase);
    const publicPath = join(dir, `${id}.pub.pem`);
    const publicPem = await readKeyFile(publicPath, 'public key').catch((error: unknown) => {
      if (/no such file/.test(errorMessage(error))) return undefined;
      throw error;
    });
    const key = checkedPair(
      group.alg,
      privateKey,
      privatePath,
      publicPem === undefined ? undefined : { key: parsePublicKey(publicPem, publicPath), path: publicPath },
    );
    if (warnings.length === 0) warnings.push(...smallKeyWarning(key, privatePath));
    byId.set(id, key);
  }
  return { keyFor: (_i, id) => byId.get(id), warnings };
}

/** What the embedded broker must know of every device of the plan: alg, public key, audience. */
export function deviceRecords(plan: Pick<RunPlan, 'groups'>, credentials: readonly GroupCredentials[]): DeviceRecord[] {
  const records: DeviceRecord[] = [];
  plan.groups.forEach((group, g) => {
    for (let i = 0; i < group.count; i++) {
      const id = deviceId(group, i);
      const entry = credentials[g]?.keyFor(i, id);
      if (entry !== undefined) records.push({ deviceId: id, alg: group.alg, publicKey: entry.publicKey, audience: group.token.audienceTemplate });
    }
  });
  return records;
}
