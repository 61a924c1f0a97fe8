/** Progress as plain lines on stderr: one every 5 s in logs and pipes (every second with `everyMs`). */
import type { ProgressEvent } from '../../coordinator/progress.js';
import { etaText, tickLine } from './format.js';

export function linePrinter(write: (text: string) => void, everyMs = 5000): (event: ProgressEvent) => void {
  let lastTickMs = -Infinity;
  let lastKeysMs = -Infinity;
  return (event) => {
    switch (event.type) {
      case 'phase':
        return write(`${event.message}\n`);
      case 'warning':
        return write(`warning: ${event.message}\n`);
      case 'keys':
        if (event.generated < event.total && event.elapsedMs - lastKeysMs < everyMs) return;
        lastKeysMs = event.elapsedMs;
        return write(`  keys ${event.generated}/${event.total}${etaText(event.total - event.generated, event.generated, event.elapsedMs)}\n`);
      case 'stage':
        return write(`stage ${event.index + 1}/${event.count}: ${event.stageType}\n`);
      case 'tick':
        if (event.elapsedMs - lastTickMs < everyMs - 100) return;
        lastTickMs = event.elapsedMs;
        return write(`  ${tickLine(event)}\n`);
    }
  };
}
