/**
 * The `broker` command's operator log: one line per refused or ACL-denied client, at most
 * `linesPerSec` lines in any one-second window; what the limit held back is counted and said in
 * one line when the window closes (or at `flush`). Client ids and topics come from the network:
 * they are quoted, stripped of control characters and cut short, so a line stays one line and a
 * token sent as a client id never appears whole (its signature is far past the cut).
 */
import type { Denial } from './denials.js';

export const DEFAULT_LOG_LINES_PER_SEC = 20;
const MAX_FIELD_CHARS = 64;

export interface OperatorLogOptions {
  write: (line: string) => void;
  nowMs: () => number;
  linesPerSec?: number;
}

export function formatDenial(denial: Denial, nowMs: number): string {
  const head = `${new Date(nowMs).toISOString()} ${denial.kind} client=${quoted(denial.clientId)} from=${denial.remoteAddress}`;
  if (denial.kind === 'refused')
    return `${head} reason=${denial.reason} connack=${denial.mqtt5 === true ? (denial.returnCode === 4 ? '0x86' : '0x87') : denial.returnCode}`;
  if (denial.kind === 'reauth-refused') return `${head} reason=${denial.reason} disconnect=0x${denial.reasonCode.toString(16)}`;
  const outcome =
    denial.mqtt5 === true
      ? { subscribe: 'suback=0x87', publish: 'puback=0x87', qos: 'disconnect=0x9b' }[denial.action]
      : denial.action === 'subscribe'
        ? 'suback=0x80'
        : 'closed';
  return `${head} reason=${denial.action} topic=${quoted(denial.topic)} ${outcome}`;
}

/** JSON-quoted, control characters escaped, at most MAX_FIELD_CHARS characters of the original. */
function quoted(text: string): string {
  const cut = text.length > MAX_FIELD_CHARS ? `${text.slice(0, MAX_FIELD_CHARS)}…` : text;
  return JSON.stringify(cut).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export class OperatorLog {
  readonly #write: (line: string) => void;
  readonly #nowMs: () => number;
  readonly #linesPerSec: number;
  #windowStartMs = -Infinity;
  #printed = 0;
  #held = 0;

  constructor(options: OperatorLogOptions) {
    this.#write = options.write;
    this.#nowMs = options.nowMs;
    this.#linesPerSec = options.linesPerSec ?? DEFAULT_LOG_LINES_PER_SEC;
  }

  denied(denial: Denial): void {
    const now = this.#nowMs();
    if (now - this.#windowStartMs >= 1000) {
      this.flush();
      this.#windowStartMs = now;
      this.#printed = 0;
    }
    if (this.#printed < this.#linesPerSec) {
      this.#printed++;
      this.#write(formatDenial(denial, now));
    } else {
      this.#held++;
    }
  }

  /** Says how many lines the limit held back since the last time, if any. */
  flush(): void {
    if (this.#held === 0) return;
    this.#write(`${new Date(this.#nowMs()).toISOString()} ${this.#held} more refused or denied clients not printed (at most ${this.#linesPerSec} lines/s)`);
    this.#held = 0;
  }
}
