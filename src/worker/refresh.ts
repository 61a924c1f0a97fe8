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

/**
 * Devices waiting for a refresh, earliest first; one plan per device. Planning a device again
 * replaces its earlier plan, so a device is never handed out twice for one token (two refreshes
 * of one session at once would leave one of them waiting forever). A replaced or removed plan
 * stays in the array until it comes due and is skipped then: removal is O(1) however long the
 * queue, which matters when a storm drops half of 100,000 devices.
 */
export class RefreshQueue {
  readonly #entries: RefreshEntry[] = [];
  /** Each device's current plan; an entry in `#entries` that is not here is stale. */
  readonly #planned = new Map<number, RefreshEntry>();

  get size(): number {
    return this.#planned.size;
  }

  add(device: number, atMs: number): void {
    const entry = { device, atMs };
    this.#planned.set(device, entry);
    let lo = 0;
    let hi = this.#entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#entries[mid] as RefreshEntry).atMs <= atMs) lo = mid + 1;
      else hi = mid;
    }
    this.#entries.splice(lo, 0, entry);
  }

  /** Removes and returns every current plan due by `nowMs`. */
  takeDue(nowMs: number): RefreshEntry[] {
    let n = 0;
    while (n < this.#entries.length && (this.#entries[n] as RefreshEntry).atMs <= nowMs) n++;
    const due = this.#entries.splice(0, n).filter((entry) => this.#planned.get(entry.device) === entry);
    for (const entry of due) this.#planned.delete(entry.device);
    return due;
  }

  /**
   * The earliest planned time, or undefined when empty. The stale plans before it go in one splice:
   * after a storm they can be tens of thousands, and a shift each would copy the array each time.
   */
  peekMs(): number | undefined {
    let stale = 0;
    while (stale < this.#entries.length && this.#planned.get((this.#entries[stale] as RefreshEntry).device) !== this.#entries[stale]) stale++;
    if (stale > 0) this.#entries.splice(0, stale);
    return this.#entries[0]?.atMs;
  }

  remove(device: number): void {
    this.#planned.delete(device);
  }
}
