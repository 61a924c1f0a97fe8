/**
 * `npm run bench`: every benchmark in one run, printed as the Markdown that goes into
 * docs/benchmarks.md, with the machine it ran on. Benchmarks mislead when read alone (Aedes's
 * benchmarks/README.md says why): compare the ratios within one run, not figures across runs.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

// startup.js, connections.js, source-ports.js, tls.js and publish.js need Debian's mosquitto at /usr/sbin/mosquitto (apt-get install mosquitto).
const benches = ['verify.js', 'connects.js', 'failed-logins.js', 'startup.js', 'connections.js', 'source-ports.js', 'tls.js', 'publish.js'];
const model = cpus()[0]?.model ?? 'unknown CPU';
process.stdout.write(`Machine: ${model}, ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n\n`);
for (const bench of benches) {
  const result = spawnSync(process.execPath, [fileURLToPath(new URL(bench, import.meta.url))], { stdio: 'inherit' });
  if (result.status !== 0) process.exitCode = 1;
  process.stdout.write('\n');
}
