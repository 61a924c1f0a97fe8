/**
 * The floor's publishing: bare sockets, each PUBLISH encoded by mqtt-packet with a fresh payload,
 * either on the same planned schedule the harness follows (every device `ratePerSec`, phases
 * spread evenly; sleep only when ahead, fire back to back when due) or flat out (everything at
 * once, yielding to the event loop every 1,000 sends so acks are read).
 */
import type { Socket } from 'node:net';
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import mqttPacket from 'mqtt-packet';

export interface PublishPhase {
  /** Messages per second per device; null: flat out. */
  ratePerSec: number | null;
  countPerDevice: number;
  qos: 0 | 1;
}

export interface PhaseResult {
  messages: number;
  acked: number;
  cpuUs: number;
  missedSlots: number;
  durationMs: number;
}

export async function publishPhase(sockets: Socket[], ids: string[], phase: PublishPhase, acks: { count: number }): Promise<PhaseResult> {
  const n = sockets.length;
  const intervalMs = phase.ratePerSec === null ? 0 : 1000 / phase.ratePerSec;
  const ackedBefore = acks.count;
  const cpu = process.cpuUsage();
  const startMs = performance.now() + 50;
  let missedSlots = 0;
  let messageId = 0;
  for (let seq = 0; seq < phase.countPerDevice; seq++) {
    for (let i = 0; i < n; i++) {
      const atMs = startMs + (seq + i / n) * intervalMs;
      if (phase.ratePerSec !== null) {
        const waitMs = atMs - performance.now();
        if (waitMs >= 1) await sleep(waitMs);
        else if (-waitMs > intervalMs) missedSlots++;
      } else if ((seq * n + i) % 1000 === 999) await yieldToLoop();
      messageId = (messageId % 65535) + 1;
      const payload = `{"temperature":21.5,"seq":${seq},"ts":${Date.now()}}`;
      const packet = mqttPacket.generate({ cmd: 'publish', topic: `/up/device/id/${ids[i]}`, payload, qos: phase.qos, messageId, retain: false, dup: false });
      (sockets[i] as Socket).write(packet);
    }
  }
  const messages = n * phase.countPerDevice;
  const deadline = performance.now() + 30_000;
  while (phase.qos === 1 && acks.count - ackedBefore < messages && performance.now() < deadline) await sleep(5);
  const used = process.cpuUsage(cpu);
  return { messages, acked: acks.count - ackedBefore, cpuUs: used.user + used.system, missedSlots, durationMs: performance.now() - startMs };
}
