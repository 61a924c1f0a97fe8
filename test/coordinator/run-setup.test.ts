import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { GroupCredentials } from '../../src/coordinator/credentials.js';
import { keygenEstimate, prepareCredentials } from '../../src/coordinator/run-setup.js';
import { WHOLE_RUN } from '../../src/coordinator/shards.js';
import { KeyError } from '../../src/errors.js';
import { planOf } from '../worker/support/fakes.js';

const none: GroupCredentials = { keyFor: () => undefined, warnings: [] };

describe('keygenEstimate', () => {
  it('warns only when the missing per-device keys take 10 s or more on the workers', () => {
    const plan = (count: number) =>
      planOf(`
workers: 2
groups:
  - { name: r, count: ${count}, idPattern: "r-{index}", alg: RS256, rsaBits: 2048, keys: { mode: per-device } }
stages:
  - type: connect
`);
    // 220 ms per RSA-2048 pair on the reference machine: 90 keys on 2 workers ≈ 9.9 s, 100 ≈ 11 s.
    assert.equal(keygenEstimate(plan(90), [none]), undefined);
    assert.match(keygenEstimate(plan(100), [none]) ?? '', /^generating 100 per-device keys takes about 1 min on 2 workers/);
    const half: GroupCredentials = { keyFor: (i) => (i % 2 === 0 ? { privateKey: {}, publicKey: '', kid: 'k' } : undefined), warnings: [] };
    assert.equal(keygenEstimate(plan(100), [half]), undefined, 'keys already in the keystore are not generated again');
  });
});

describe('prepareCredentials', () => {
  it('opens a keystore writer per per-device group', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'split-setup-'));
    try {
      const plan = planOf(`
groups:
  - { name: a, count: 2, idPattern: "a-{index}", keys: { mode: per-device, store: ${join(dir, 'a.json')} } }
  - { name: b, count: 2, idPattern: "b-{index}", keys: { mode: pool, size: 1, store: ${join(dir, 'b.json')} } }
stages:
  - type: connect
`);
      const credentials = await prepareCredentials(plan, WHOLE_RUN, {});
      assert.equal(credentials.groups.length, 2);
      assert.deepEqual([...credentials.writers.keys()], [0]);
      assert.deepEqual(credentials.warnings, []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses, before anything starts, a key the embedded broker would refuse', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'split-setup-'));
    try {
      const { generateKeyPairSync } = await import('node:crypto');
      const { writeFile } = await import('node:fs/promises');
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
      await writeFile(join(dir, 'k.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
      await writeFile(join(dir, 'k.pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
      const plan = planOf(`
groups:
  - { name: a, count: 1, idPattern: "a-{index}", alg: RS256, keys: { mode: shared, privateKey: ${join(dir, 'k.pem')}, publicKey: ${join(dir, 'k.pub.pem')} } }
stages:
  - type: connect
`);
      await assert.rejects(
        prepareCredentials(plan, WHOLE_RUN, {}),
        (error: unknown) => error instanceof KeyError && /embedded broker refuses/.test(error.message),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
