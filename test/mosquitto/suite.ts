/**
 * What every mosquitto suite sets up before its tests: a temporary folder, the tools and a
 * throwaway PKI (nothing when the suite is skipped), and removes afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { makeTestPki, type TestPki } from './pki.js';
import { requireMosquittoTools, type MosquittoTools } from './tools.js';

export interface MosquittoSuite {
  dir: string;
  /** Set by the suite's `before` hook; read them inside tests only. */
  tools: MosquittoTools;
  pki: TestPki;
}

/** Call inside `describe`: registers the before/after hooks and fills the suite in them. */
export function mosquittoSuite(name: string, skip: string | false): MosquittoSuite {
  const suite = { dir: mkdtempSync(join(tmpdir(), `mqtt-jwt-bench-${name}-`)) } as MosquittoSuite;
  before(async () => {
    if (skip) return;
    suite.tools = requireMosquittoTools();
    suite.pki = await makeTestPki(suite.tools.openssl, suite.dir);
  });
  after(() => rmSync(suite.dir, { recursive: true, force: true }));
  return suite;
}
