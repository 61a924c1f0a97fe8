/**
 * Debian's mosquitto as a child process for benches: anonymous (tokens are carried, not checked,
 * so the broker costs as little as it can), no connection limit, listening on 127.0.0.1 on the
 * ports given. One mosquitto holds at most about 20,000 connections (its fd limit), so large
 * benches start several.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface MosquittoProcess {
  child: ChildProcess;
  port: number;
  stop: () => Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `tls`: PEMs of the server certificate and key; the listener then speaks TLS only. */
export async function startMosquitto(binary = '/usr/sbin/mosquitto', tls?: { certPem: string; keyPem: string }): Promise<MosquittoProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-mosq-'));
  const port = await freePort();
  const config = [
    `user ${userInfo().username}`,
    'allow_anonymous true',
    'persistence false',
    'log_dest stderr',
    'log_type error',
    'max_connections -1',
    `listener ${port} 127.0.0.1`,
  ];
  if (tls !== undefined) {
    writeFileSync(join(dir, 'server.pem'), tls.certPem);
    writeFileSync(join(dir, 'server-key.pem'), tls.keyPem, { mode: 0o600 });
    config.push(`certfile ${join(dir, 'server.pem')}`, `keyfile ${join(dir, 'server-key.pem')}`);
  }
  writeFileSync(join(dir, 'mosquitto.conf'), `${config.join('\n')}\n`);
  const child = spawn(binary, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  // Read and drop its log: over TLS mosquitto logs every client that hangs up mid-session, and an
  // unread pipe that fills up blocks it in write(), so it stops accepting.
  child.stderr?.resume();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    if (await accepts(port)) return { child, port, stop };
    await sleep(20);
  }
  await stop();
  throw new Error(`mosquitto did not start on port ${port}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
