/**
 * The live view on a terminal: a block of a few lines redrawn in place (at most four times a
 * second), with messages printed above it as they come. A new stage shows no figures until a tick
 * from inside it arrives (the last tick described the stage before), and `finish` clears the block
 * so that the summary is not printed under a stale frame.
 */
import type { ProgressEvent, ProgressTick } from '../../coordinator/progress.js';
import { NO_PAINT, type Paint } from '../../report/render/paint.js';
import { duration, errorsText, etaText, ms } from './format.js';

const MIN_REDRAW_MS = 250;

export interface LiveView {
  (event: ProgressEvent): void;
  /** Clears the block; call before printing anything else to the terminal (the summary). */
  finish(): void;
}

export function liveView(write: (text: string) => void, paint: Paint = NO_PAINT): LiveView {
  let drawn = 0;
  let last: ProgressTick | undefined;
  let starting: { index: number; count: number; type: string } | undefined;
  let lastDrawMs = 0;
  const clear = (): void => {
    if (drawn > 0) write(`\x1b[${drawn}A\x1b[J`);
    drawn = 0;
  };
  const draw = (): void => {
    const lines =
      starting !== undefined
        ? [paint.bold(`── stage ${starting.index + 1}/${starting.count} ${starting.type} · starting`)]
        : last === undefined
          ? []
          : block(last, paint);
    if (lines.length === 0) return;
    write(`${lines.join('\n')}\n`);
    drawn = lines.length;
    lastDrawMs = Date.now();
  };
  const above = (text: string): void => {
    clear();
    write(text);
    draw();
  };
  const view = (event: ProgressEvent): void => {
    switch (event.type) {
      case 'phase':
        return above(`${event.message}\n`);
      case 'warning':
        return above(paint.yellow(`warning: ${event.message}\n`));
      case 'stage':
        starting = { index: event.index, count: event.count, type: event.stageType };
        return above(`stage ${event.index + 1}/${event.count}: ${event.stageType}\n`);
      case 'keys':
        return above(`  keys ${event.generated}/${event.total}${etaText(event.total - event.generated, event.generated, event.elapsedMs)}\n`);
      case 'tick':
        last = event;
        if (starting !== undefined && event.stageIndex !== starting.index) return;
        starting = undefined;
        if (Date.now() - lastDrawMs < MIN_REDRAW_MS) return;
        clear();
        return draw();
    }
  };
  return Object.assign(view, { finish: clear });
}

export function block(t: ProgressTick, paint: Paint = NO_PAINT): string[] {
  const stage = t.stageIndex < 0 ? 'preparing' : `stage ${t.stageIndex + 1}/${t.stageCount} ${t.stageType}`;
  const eta = t.etaMs === null ? '' : ` · ~${duration(t.etaMs)} left`;
  const connected = `connected ${t.connected}/${t.targetConnected}`;
  const errors = `errors: ${errorsText(t.errorsByReason)}`;
  return [
    paint.bold(`── ${stage} · ${duration(t.elapsedMs)}${eta}`),
    `   ${t.connected === t.targetConnected && t.targetConnected > 0 ? paint.green(connected) : connected} · ${t.publishedPerSec} msg/s out · ${t.ackedPerSec} acks/s · ${t.published} published, ${t.acked} acked`,
    `   publish → ack p50 ${ms(t.publishAckP50Us)} · p99 ${ms(t.publishAckP99Us)}`,
    `   ${t.errors > 0 ? paint.red(errors) : errors}`,
  ];
}
