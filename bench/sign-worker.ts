/** One bench worker thread: signs tokens flat out for a while and reports how many. */
import { parentPort, workerData } from 'node:worker_threads';
import { SignJWT } from 'jose';
import { parsePrivateKey } from '../src/identity/keys.js';
import { signTokenAsync, signTokenSync, type TokenSpec } from '../src/identity/token.js';
import type { Algorithm } from '../src/identity/algorithms.js';

export type SignMode = 'sync' | 'async' | 'jose';

export interface SignJob {
  alg: Algorithm;
  privateKeyPem: string;
  mode: SignMode;
  inFlight: number;
  durationMs: number;
}

async function measure(job: SignJob): Promise<number> {
  const key = parsePrivateKey(job.privateKeyPem, 'bench');
  const spec: TokenSpec = { alg: job.alg, audienceTemplate: 'https://akenza.io/devices/{deviceId}', lifetimeSec: 1200, includeKid: true };
  const kid = 'c66d1195acfd3a77d750d1d50af1cf8be69fc7c08369293383f6ff38f49bc0f6';
  const endMs = performance.now() + job.durationMs;
  let count = 0;
  if (job.mode === 'sync') {
    while (performance.now() < endMs) {
      for (let i = 0; i < 16; i++) signTokenSync(spec, `device-${count++}`, key, kid, Date.now() / 1000);
    }
    return count;
  }
  const one = (): Promise<unknown> =>
    job.mode === 'async'
      ? signTokenAsync(spec, `device-${count}`, key, kid, Date.now() / 1000)
      : new SignJWT({ aud: `https://akenza.io/devices/device-${count}` }).setProtectedHeader({ alg: job.alg, kid, typ: 'JWT' }).setIssuedAt().setExpirationTime('20m').sign(key);
  const lane = async (): Promise<void> => {
    while (performance.now() < endMs) {
      await one();
      count++;
    }
  };
  await Promise.all(Array.from({ length: job.inFlight }, lane));
  return count;
}

if (parentPort !== null) parentPort.postMessage(await measure(workerData as SignJob));
