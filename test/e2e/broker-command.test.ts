import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { formatRegistry } from '../../src/identity/registry-file.js';
import { connectClient, EC_PUBLIC_PEM, ecToken } from '../broker/helpers.js';
import { repoPath } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-broker-cmd-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Started {
  child: ReturnType<typeof spawn>;
  stdout: () => string;
  ports: { mqtt: number; mqtts: number; ws: number };
  exited: Promise<number | null>;
}

/** Starts `broker` as a user would and waits for its listening lines. */
function startBrokerProcess(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [repoPath('dist/src/cli/main.js'), 'broker', ...args], { cwd: repoPath('.'), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve(code);
    }),
  );
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      const port = (scheme: string): number | undefined =>
        Number(new RegExp(`listening ${scheme}://127\\.0\\.0\\.1:(\\d+)`).exec(stdout)?.[1] ?? NaN) || undefined;
      const [mqtt, mqtts, ws] = [port('mqtt'), port('mqtts'), port('ws')];
      if (mqtt !== undefined && mqtts !== undefined && ws !== undefined && /Ctrl-C/.test(stdout))
        resolve({ child, stdout: () => stdout, ports: { mqtt, mqtts, ws }, exited });
    });
    void exited.then((code) => reject(new Error(`broker exited ${code}: ${stderr}`)));
  });
}

describe('the broker command, as a process', () => {
  it('serves a registered device over TCP, TLS (generated CA, verification on) and WebSocket, and stops cleanly on SIGTERM', async () => {
    const registry = join(dir, 'devices.csv');
    writeFileSync(registry, formatRegistry([{ deviceId: 'dev-cli', alg: 'ES256', publicKey: EC_PUBLIC_PEM }], 'csv'));
    const certDir = join(dir, 'certs');
    const broker = await startBrokerProcess([
      '--port',
      '0',
      '--tls-port',
      '0',
      '--ws-port',
      '0',
      '--registry',
      registry,
      '--cert-dir',
      certDir,
      '--stats-interval',
      '100ms',
    ]);
    assert.match(broker.stdout(), /1 devices registered/);
    assert.match(broker.stdout(), new RegExp(`clients trust ${certDir}/ca\\.pem`));
    const ca = readFileSync(join(certDir, 'ca.pem'), 'utf8');
    const urls = [`mqtt://127.0.0.1:${broker.ports.mqtt}`, `mqtts://localhost:${broker.ports.mqtts}`, `ws://127.0.0.1:${broker.ports.ws}`];
    for (const url of urls) {
      const client = await connectClient(url, 'dev-cli', await ecToken('dev-cli'), { ca, rejectUnauthorized: true });
      await client.publishAsync('/up/device/id/dev-cli', 'hello', { qos: 1 });
      await client.endAsync();
    }
    await assert.rejects(connectClient(`mqtt://127.0.0.1:${broker.ports.mqtt}`, 'stranger', await ecToken('stranger')), /Not authorized/i);
    // --stats-interval: a timestamped block once the counts have changed (bounded wait).
    for (let i = 0; i < 100 && !/Z\nauth accepted 3 · rejected 1/.test(broker.stdout()); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.match(broker.stdout(), /\d{4}-\d\d-\d\dT[\d:.]+Z\nauth accepted 3 · rejected 1/);
    broker.child.kill('SIGTERM');
    assert.equal(await broker.exited, 0);
    assert.match(broker.stdout(), /auth accepted 3 · rejected 1 \(unknown-device 1\)/);
    assert.match(broker.stdout(), /messages in 3 /);
    assert.match(broker.stdout(), /verify ES256 \(µs\): count 3/);
    assert.doesNotMatch(broker.stdout(), /eyJ|PRIVATE KEY/);
  });

  it('exits 2 with one line when no devices are given, and when a registry kid is wrong', async () => {
    const none = spawn(process.execPath, [repoPath('dist/src/cli/main.js'), 'broker', '--port', '0'], { cwd: repoPath('.') });
    let stderr = '';
    none.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    assert.equal(await new Promise((resolve) => none.on('close', resolve)), 2);
    assert.equal(stderr, 'error: the broker needs devices: give --keys DIR, --registry FILE, --public-key FILE --device ID, or --jwks FILE\n');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ devices: [{ deviceId: 'd', alg: 'ES256', kid: '00'.repeat(32), publicKey: EC_PUBLIC_PEM }] }));
    const wrong = spawn(process.execPath, [repoPath('dist/src/cli/main.js'), 'broker', '--port', '0', '--registry', bad], { cwd: repoPath('.') });
    let wrongErr = '';
    wrong.stderr.on('data', (d: Buffer) => (wrongErr += d.toString()));
    assert.equal(await new Promise((resolve) => wrong.on('close', resolve)), 2);
    assert.match(wrongErr, new RegExp(`^error: ${bad}:1 kid of device d is not the SHA-256 of its public key`));
  });
});
