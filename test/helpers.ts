/** Paths and fixtures shared by tests. Tests run from dist/test/, so paths resolve from the repo root. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function repoPath(relative: string): string {
  return fileURLToPath(new URL(relative, new URL('../..', import.meta.url)));
}

export interface VectorCase {
  name: string;
  alg: 'RS256' | 'ES256';
  privateKey: string;
  publicKey: string;
  kid: string;
  aud: string;
  token: string;
}

export interface Vectors {
  deviceId: string;
  iat: number;
  exp: number;
  cases: VectorCase[];
}

export const vectors: Vectors = JSON.parse(readFileSync(repoPath('test/fixtures/vectors/vectors.json'), 'utf8')) as Vectors;

export function vectorFile(name: string): string {
  return readFileSync(repoPath(`test/fixtures/vectors/${name}`), 'utf8');
}
