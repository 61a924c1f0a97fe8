/**
 * Token refresh planning. A device reconnects with a fresh token before its token expires
 * (`refreshBefore`); the refreshes of a group are spread over half that margin, by each device's
 * position, so devices whose tokens were all signed in the same second do not reconnect at once.
 */

/** When device `position` of `total` should reconnect, in epoch milliseconds. */
export function refreshAtMs(expSec: number, refreshBeforeSec: number, position: number, total: number): number {
  const spreadMs = (refreshBeforeSec * 1000) / 2;
  return expSec * 1000 - refreshBeforeSec * 1000 - spreadMs * (1 - position / Math.max(1, total));
}

export interface RefreshEntry {
  /** Local device index. */
  device: number;
  atMs: number;
}

/** Devices waiting for a refresh, earliest first. */
export class RefreshQueue {
  readonly #entries: RefreshEntry[] = [];

  get size(): number {
    return this.#entries.length;
  }

  add(entry: RefreshEntry): void {
    let lo = 0;
    let hi = this.#entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#entries[mid] as RefreshEntry).atMs <= entry.atMs) lo = mid + 1;
      else hi = mid;
    }
    this.#entries.splice(lo, 0, entry);
  }

  /** Removes and returns every entry due by `nowMs`. */
  takeDue(nowMs: number): RefreshEntry[] {
    let n = 0;
    while (n < this.#entries.length && (this.#entries[n] as RefreshEntry).atMs <= nowMs) n++;
    return this.#entries.splice(0, n);
  }

  /** The earliest planned time, or undefined when empty. */
  peekMs(): number | undefined {
    return this.#entries[0]?.atMs;
  }

  remove(device: number): void {
    const i = this.#entries.findIndex((e) => e.device === device);
    if (i >= 0) this.#entries.splice(i, 1);
  }
}
