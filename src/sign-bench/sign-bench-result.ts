/**
 * The `sign-bench` JSON document, as a validator: the one source of its shape (the types are
 * inferred from it), checked by a test against real output, and documented in
 * docs/sign-bench.md. Rates are operations per second of wall-clock time; times are µs.
 */
import { z } from 'zod';
import { ALGORITHMS } from '../identity/algorithms.js';
import { histogramSummarySchema } from '../report/model/run-result-schema.js';

export const SIGN_BENCH_FORMAT = 'mqtt-jwt-bench-sign-bench';
export const SIGN_BENCH_VERSION = 1;

const count = z.number().int().min(0);
const positive = z.number().positive();
// The same summary as a run's histograms (count, min, mean, p50, p90, p99, p999, max).
const summary = histogramSummarySchema;
const histogram = z
  .strictObject({
    summary: summary.describe('Microseconds, except count.'),
    encoded: z.string().describe('HdrHistogram compressed V2 encoding, base64; microseconds.'),
  })
  .describe('Time of each operation.');

const measured = z.strictObject({
  ops: count.min(1),
  elapsedMs: positive,
  opsPerSec: positive,
  histogram,
});

const signRow = measured.extend({
  workers: z.number().int().min(1),
  /** This rate ÷ the rate at the fewest workers measured. */
  scaling: positive.describe('opsPerSec ÷ opsPerSec at the fewest workers measured.'),
});

const openssl = z
  .strictObject({
    primitive: z.string().describe('The `openssl speed` algorithm, e.g. rsa2048, ecdsap256, ed25519.'),
    signPerSec: positive,
    verifyPerSec: positive,
    signShare: positive.describe('Our sign rate on one worker ÷ openssl sign/s (one core each).'),
    verifyShare: positive.describe('Our verify rate ÷ openssl verify/s (one core each).'),
  })
  .nullable()
  .describe('null when openssl is not on the PATH or --no-openssl was given.');

export const signBenchEntrySchema = z.strictObject({
  label: z.string().describe('RS256-2048, ES256, …'),
  alg: z.enum(ALGORITHMS),
  rsaBits: z.number().int().nullable().describe('Key size for RSA algorithms; null otherwise.'),
  tokenBytes: count.min(1).describe('Bytes of one akenza-style token (header alg/kid/typ, claims iat/exp/aud).'),
  connectBytes: count.min(1).describe('Bytes of the MQTT 3.1.1 CONNECT carrying it (client id, username "unused", token as password).'),
  keygen: measured.describe('Key pairs generated on one thread.'),
  sign: z.array(signRow).min(1).describe('Tokens signed with crypto.sign and a cached key, per worker-thread count.'),
  verify: measured.describe("Tokens verified on one thread by the embedded broker's own check (src/identity/verify.ts)."),
  openssl,
});

export const signBenchResultSchema = z.strictObject({
  format: z.literal(SIGN_BENCH_FORMAT),
  version: z.literal(SIGN_BENCH_VERSION),
  startedAt: z.iso.datetime(),
  durationMs: positive.describe('Wall time of the whole bench.'),
  environment: z.strictObject({
    harnessVersion: z.string(),
    node: z.string(),
    nodeOpenssl: z.string().describe('The OpenSSL inside node, which our figures measure; `openssl speed` may be another build.'),
    platform: z.string(),
    arch: z.string(),
    cpuModel: z.string(),
    cores: count,
    totalMemoryBytes: count,
  }),
  settings: z.strictObject({
    algs: z.array(z.enum(ALGORITHMS)).min(1),
    rsaBits: z.array(z.number().int()).min(1),
    workers: z.array(z.number().int().min(1)).min(1),
    durationMs: positive.describe('Per figure.'),
    openssl: z.boolean(),
  }),
  entries: z.array(signBenchEntrySchema).min(1),
});

export type SignBenchEntry = z.infer<typeof signBenchEntrySchema>;
export type SignBenchResult = z.infer<typeof signBenchResultSchema>;
export type SignRow = SignBenchEntry['sign'][number];
export type MeasuredFigure = SignBenchEntry['verify'];
