/**
 * The live view on a terminal: a block of a few lines redrawn in place (at most four times a
 * second), with messages printed above it as they come.
 */
import type { ProgressEvent, ProgressTick } from '../../coordinator/progress.js';
import { duration, errorsText, etaText, ms } from './format.js';

const MIN_REDRAW_MS = 250;

export function liveView(write: (text: string) => void): (event: ProgressEvent) => void {
  let drawn = 0;
  let last: ProgressTick | undefined;
  let lastDrawMs = 0;
  const clear = (): void => {
    if (drawn > 0) write(`\x1b[${drawn}A\x1b[J`);
    drawn = 0;
  };
  const draw = (): void => {
    if (last === undefined) return;
    const lines = block(last);
    write(`${lines.join('\n')}\n`);
    drawn = lines.length;
    lastDrawMs = Date.now();
  };
  const above = (text: string): void => {
    clear();
    write(text);
    draw();
  };
  return (event) => {
    switch (event.type) {
      case 'phase':
        return above(`${event.message}\n`);
      case 'warning':
        return above(`warning: ${event.message}\n`);
      case 'stage':
        return above(`stage ${event.index + 1}/${event.count}: ${event.stageType}\n`);
      case 'keys':
        return above(`  keys ${event.generated}/${event.total}${etaText(event.total - event.generated, event.generated, event.elapsedMs)}\n`);
      case 'tick':
        last = event;
        if (Date.now() - lastDrawMs < MIN_REDRAW_MS) return;
        clear();
        return draw();
    }
  };
}

function block(t: ProgressTick): string[] {
  const stage = t.stageIndex < 0 ? 'preparing' : `stage ${t.stageIndex + 1}/${t.stageCount} ${t.stageType}`;
  const eta = t.etaMs === null ? '' : ` · ~${duration(t.etaMs)} left`;
  return [
    `── ${stage} · ${duration(t.elapsedMs)}${eta}`,
    `   connected ${t.connected}/${t.targetConnected} · ${t.publishedPerSec} msg/s out · ${t.ackedPerSec} acks/s · ${t.published} published, ${t.acked} acked`,
    `   publish → ack p50 ${ms(t.publishAckP50Us)} · p99 ${ms(t.publishAckP99Us)}`,
    `   errors: ${errorsText(t.errorsByReason)}`,
  ];
}
