/**
 * The package as a user installs it (README, docs/library.md): `npm pack`, then `npm install
 * <tarball>` in an empty folder, its dependencies from the npm registry; there a script imports
 * the library and runs a scenario against the embedded broker, and `npx mqtt-jwt-bench` runs.
 *
 * It packs with --ignore-scripts: `prepare` would run `npm run build`, which deletes dist/ (these
 * tests included) while they run. `npm test` has just built it, which is what `prepare` would do.
 * Only the API that stays public is used: loadScenario, scenarioFromObject, run and the errors.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT, repoPath } from '../helpers.js';

const exec = promisify(execFile);
const { name, version } = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { name: string; version: string };

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-tarball-'));
const app = join(dir, 'app');
after(() => rmSync(dir, { recursive: true, force: true }));

interface PackedFile {
  path: string;
  mode: number;
}
let packed: { filename: string; files: PackedFile[] };

const SCENARIO = `name: from-tarball
broker: embedded
workers: 1
groups:
  - name: sensors
    count: 4
    alg: ES256
    keys: { mode: per-device, store: keys/sensors.json }
stages:
  - type: connect
  - type: publish
    rate: 2/s
    count: 3
    qos: 1
  - type: disconnect
`;

// What a user's script does: load a file, run it, and catch a ConfigError for a bad object.
const SCRIPT = `import { ConfigError, loadScenario, run, scenarioFromObject } from 'mqtt-jwt-bench';
const result = await run(await loadScenario('tiny.yaml'));
let refused;
try {
  scenarioFromObject({ groups: [{ count: -5 }] }, 'bad');
} catch (error) {
  refused = { configError: error instanceof ConfigError, code: error.code, message: error.message };
}
console.log(JSON.stringify({ status: result.status, counters: result.total.counters, errors: result.total.errors, refused }));
`;

describe('the package installed from its tarball', () => {
  before(async () => {
    const { stdout } = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: REPO_ROOT, timeout: 60_000 });
    packed = (JSON.parse(stdout) as (typeof packed)[])[0]!;
  });

  it('packs the built library, the bin executable, the scenarios, and nothing of tests, keys or reports', () => {
    assert.equal(packed.filename, `${name}-${version}.tgz`);
    const paths = packed.files.map((f) => f.path);
    for (const required of [
      'package.json',
      'README.md',
      'LICENSE',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/cli/main.js',
      'dist/src/worker/task.js',
      'scenarios/quickstart.yaml',
    ]) {
      assert.ok(paths.includes(required), `${required} is packed`);
    }
    assert.deepEqual(
      paths.filter((p) => !/^(dist\/src\/|scenarios\/|README\.md$|LICENSE$|package\.json$)/.test(p)),
      [],
      'only dist/src, scenarios, README, LICENSE and package.json',
    );
    assert.equal(packed.files.find((f) => f.path === 'dist/src/cli/main.js')!.mode & 0o111, 0o111);
  });

  it('installs into an empty folder, runs a scenario from a script, and runs `npx mqtt-jwt-bench` there', async () => {
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    writeFileSync(join(app, 'tiny.yaml'), SCENARIO);
    writeFileSync(join(app, 'run.js'), SCRIPT);
    await exec('npm', ['install', '--no-audit', '--no-fund', join(dir, packed.filename)], { cwd: app, timeout: 120_000 });

    const { stdout } = await exec(process.execPath, ['run.js'], { cwd: app, timeout: 60_000 });
    const outcome = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      status: string;
      counters: Record<string, number>;
      errors: Record<string, number>;
      refused?: { configError: boolean; code: string; message: string };
    };
    assert.equal(outcome.status, 'complete');
    assert.equal(outcome.counters['connected'], 4);
    assert.equal(outcome.counters['published'], 12);
    assert.equal(outcome.counters['acked'], 12);
    assert.deepEqual(outcome.errors, {});
    assert.equal(outcome.refused?.configError, true);
    assert.equal(outcome.refused?.code, 'ERR_CONFIG');
    assert.match(outcome.refused?.message ?? '', /groups\.0\.count/);

    const npx = await exec('npx', ['mqtt-jwt-bench', '--version'], { cwd: app, timeout: 60_000 });
    assert.equal(npx.stdout.trim(), version);
  });
});
