/**
 * `sign-bench` for real, briefly: every algorithm measured through the CLI, the JSON checked
 * against its schema, every figure sane and non-zero. Counts and shapes only: the speeds
 * themselves belong to the bench, not to a test (docs/rsa-vs-ec.md has them).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { signBenchResultSchema, type SignBenchEntry, type SignBenchResult } from '../../src/sign-bench/sign-bench-result.js';
import { runCli } from './cli.js';
import { assertPresent, skipWithout, type OptionalTool } from '../support/optional-tool.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-sign-bench-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const OPENSSL: OptionalTool = {
  name: 'openssl',
  requireVar: 'REQUIRE_OPENSSL',
  missing: ((): string | undefined => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return undefined;
    } catch {
      return 'openssl version did not run';
    }
  })(),
  install: 'apt-get install openssl',
};

function checkFigure(entry: SignBenchEntry, what: string, figure: SignBenchEntry['verify']): void {
  assert.ok(figure.ops >= 1 && figure.opsPerSec > 0 && Number.isFinite(figure.opsPerSec), `${entry.label} ${what}: ${figure.ops} ops at ${figure.opsPerSec}/s`);
  assert.equal(decodeHistogram(figure.histogram.encoded).totalCount, figure.ops, `${entry.label} ${what}: one latency sample per operation`);
  assert.equal(figure.histogram.summary.count, figure.ops);
  assert.ok(figure.histogram.summary.min >= 1 && figure.histogram.summary.max >= figure.histogram.summary.p50);
}

describe('sign-bench', () => {
  it('measures every algorithm on 1 and 2 threads; the JSON matches its schema and every figure is sane', async () => {
    const json = join(dir, 'all.json');
    const html = join(dir, 'all.html');
    const run = await runCli(['sign-bench', '--duration', '100ms', '--workers', '1,2', '--no-openssl', '--json', json, '--html', html, '--quiet']);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(readFileSync(json, 'utf8')) as SignBenchResult;
    const parsed = signBenchResultSchema.safeParse(result);
    assert.equal(parsed.success, true, parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3)));
    assert.deepEqual(
      result.entries.map((e) => e.label),
      ['RS256-2048', 'PS256-2048', 'ES256', 'ES384', 'ES512', 'EdDSA'],
    );
    for (const entry of result.entries) {
      checkFigure(entry, 'keygen', entry.keygen);
      checkFigure(entry, 'verify', entry.verify);
      assert.deepEqual(
        entry.sign.map((r) => r.workers),
        [1, 2],
      );
      for (const row of entry.sign) checkFigure(entry, `sign ×${row.workers}`, row);
      assert.equal(entry.sign[0]?.scaling, 1);
      assert.ok((entry.sign[1]?.scaling ?? 0) > 0);
      // A CONNECT is the token plus fixed fields: 2 header + 10 variable header + 2+12 client id + 2+6 username + 2 password length.
      assert.equal(entry.connectBytes, entry.tokenBytes + 36 + (entry.tokenBytes + 34 >= 128 ? 1 : 0), `${entry.label}: CONNECT bytes`);
      assert.equal(entry.openssl, null);
    }
    const bytes = Object.fromEntries(result.entries.map((e) => [e.label, e.tokenBytes]));
    // RFC 7518: an RS256-2048 signature is 256 bytes, ES256 is 64, so the RSA token is the larger by 192 bytes of signature in base64url.
    assert.equal((bytes['RS256-2048'] as number) - (bytes['ES256'] as number), 342 - 86);
    assert.match(run.stdout, /\nRS256-2048 .*\nES256 /s);
    const page = readFileSync(html, 'utf8');
    assert.equal(
      (page.match(/<rect class="bar"/g) ?? []).length,
      6 * 2 + 6 * 2 + 6 * 2 + 6,
      'bars: rates (sign, verify), threads (1, 2), bytes (token, CONNECT), keygen',
    );
    assert.doesNotMatch(page, /eyJ/, 'no token in the page');
  });

  it('sets our rates beside openssl speed when openssl is on the PATH', { skip: skipWithout(OPENSSL) }, async () => {
    assertPresent(OPENSSL);
    const json = join(dir, 'openssl.json');
    const run = await runCli(['sign-bench', '--algs', 'ES256', '--workers', '1', '--duration', '200ms', '--json', json, '--quiet']);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(readFileSync(json, 'utf8')) as SignBenchResult;
    assert.equal(signBenchResultSchema.safeParse(result).success, true);
    const o = result.entries[0]?.openssl;
    assert.ok(o !== null && o !== undefined, 'openssl figures');
    assert.equal(o.primitive, 'ecdsap256');
    assert.ok(o.signPerSec > 0 && o.verifyPerSec > 0 && o.signShare > 0 && o.verifyShare > 0);
    assert.match(run.stdout, /ours÷ossl/);
  });

  it('refuses bad flags with one line naming the flag (exit 2)', async () => {
    for (const [flag, value, message] of [
      ['--algs', 'RS256,HS256', /^error: --algs: unknown algorithm "HS256"/],
      ['--rsa-bits', '1024', /^error: --rsa-bits: expected a comma-separated list of 2048, 3072, 4096 \(got "1024"\)/],
      ['--workers', '0', /^error: --workers: expected/],
      ['--duration', 'soon', /^error: --duration: expected a duration/],
    ] as const) {
      const run = await runCli(['sign-bench', flag, value, '--quiet']);
      assert.equal(run.code, 2, `${flag} ${value}`);
      assert.match(run.stderr, message);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    }
  });
});
