/** The `sign-bench` result as a console table: one row per algorithm and key size. */
import { formatTable } from '../report/render/table.js';
import type { SignBenchResult } from './sign-bench-result.js';

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const share = (n: number): string => `${(n * 100).toFixed(0)}%`;
const msPerKey = (us: number): string => (us >= 100_000 ? (us / 1000).toFixed(0) : (us / 1000).toFixed(2));

export function formatSignBench(result: SignBenchResult): string {
  const workers = [...result.settings.workers].sort((a, b) => a - b);
  const header = [
    'alg',
    'keygen ms/key',
    ...workers.map((w) => `sign/s ×${w}`),
    'scaling',
    'sign p50 µs',
    'sign p99 µs',
    'verify/s',
    'verify p50 µs',
    'token B',
    'CONNECT B',
  ];
  if (result.settings.openssl) header.push('ossl sign/s', 'ours÷ossl', 'ossl verify/s', 'ours÷ossl');
  const rows = result.entries.map((e) => {
    const first = e.sign[0];
    const last = e.sign[e.sign.length - 1];
    const row = [
      e.label,
      msPerKey(e.keygen.histogram.summary.mean),
      ...workers.map((w) => int(e.sign.find((r) => r.workers === w)?.opsPerSec ?? 0)),
      last === undefined ? '—' : `${last.scaling.toFixed(2)}×`,
      String(first?.histogram.summary.p50 ?? '—'),
      String(first?.histogram.summary.p99 ?? '—'),
      int(e.verify.opsPerSec),
      String(e.verify.histogram.summary.p50),
      String(e.tokenBytes),
      String(e.connectBytes),
    ];
    if (result.settings.openssl) {
      row.push(
        ...(e.openssl === null
          ? ['n/a', '—', 'n/a', '—']
          : [int(e.openssl.signPerSec), share(e.openssl.signShare), int(e.openssl.verifyPerSec), share(e.openssl.verifyShare)]),
      );
    }
    return row;
  });
  const env = result.environment;
  const lines = [
    `sign-bench · ${env.cpuModel} · ${env.cores} cores · node ${env.node} (OpenSSL ${env.nodeOpenssl}) · ${result.settings.durationMs} ms per figure`,
    formatTable([header, ...rows]),
    `sign/s ×N: tokens signed per second on N worker threads (crypto.sign, cached key); scaling: the most threads ÷ the fewest;`,
    `sign p50/p99: one thread; verify: the embedded broker's whole token check on one thread; ours÷ossl: one thread ÷ openssl speed on one core.`,
    `Other work on this machine shares its cores: compare ratios within one run, not figures across runs.`,
  ];
  return lines.join('\n');
}
