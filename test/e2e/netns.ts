/**
 * Two test hosts of our own: a device namespace and a broker namespace joined by one veth pair,
 * with nothing in the machine's own namespace touched. Faults (tc qdiscs, link down) are applied
 * inside these namespaces only, and everything is removed by name afterwards.
 */
import { execFileSync } from 'node:child_process';

export const SUBNET = '10.231.78';
export const BROKER_ADDRESS = `${SUBNET}.1`;

export interface TestNet {
  devices: string;
  broker: string;
  /** `ip netns exec <ns>`, to run a command on a host. */
  on: (host: 'devices' | 'broker') => string[];
  /** Runs `ip -n <ns> …` or `tc …` inside a namespace; throws with ip's message. */
  ip: (host: 'devices' | 'broker', ...args: string[]) => void;
  tc: (host: 'devices' | 'broker', ...args: string[]) => void;
  remove: () => void;
}

const run = (command: string, args: string[]): void => void execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });

export function makeTestNet(tag: string): TestNet {
  const names = { devices: `mjb-${process.pid}-${tag}-dev`, broker: `mjb-${process.pid}-${tag}-brk` };
  const net: TestNet = {
    ...names,
    on: (host) => ['ip', 'netns', 'exec', names[host]],
    ip: (host, ...args) => run('ip', ['-n', names[host], ...args]),
    tc: (host, ...args) => run('ip', ['netns', 'exec', names[host], 'tc', ...args]),
    remove: () => {
      for (const ns of Object.values(names)) {
        try {
          run('ip', ['netns', 'del', ns]);
        } catch {
          // Never made, or already gone.
        }
      }
    },
  };
  try {
    run('ip', ['netns', 'add', names.devices]);
    run('ip', ['netns', 'add', names.broker]);
    net.ip('devices', 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', names.broker);
    (['broker', 'devices'] as const).forEach((host, i) => {
      net.ip(host, 'link', 'set', 'lo', 'up');
      net.ip(host, 'addr', 'add', `${SUBNET}.${i + 1}/24`, 'dev', 'eth0');
      net.ip(host, 'link', 'set', 'eth0', 'up');
    });
  } catch (error) {
    net.remove();
    throw error;
  }
  return net;
}

/** Why namespaces cannot be made here, or undefined when they can. */
export function whyNoNamespaces(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  try {
    makeTestNet('probe').remove();
    return undefined;
  } catch (error) {
    return `ip netns does not work here: ${firstLine(error)}`;
  }
}

/** Why `tc qdisc … <kind>` cannot be used inside a namespace here (a kernel without sch_netem, say). */
export function whyNoQdisc(kind: string, ...params: string[]): string | undefined {
  const noNamespaces = whyNoNamespaces();
  if (noNamespaces !== undefined) return noNamespaces;
  const net = makeTestNet('qprobe');
  try {
    net.tc('devices', 'qdisc', 'add', 'dev', 'eth0', 'root', kind, ...params);
    return undefined;
  } catch (error) {
    return `tc ${kind} does not work here: ${firstLine(error)}`;
  } finally {
    net.remove();
  }
}

function firstLine(error: unknown): string {
  const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
  return (stderr || (error as Error).message).split('\n')[0] as string;
}
