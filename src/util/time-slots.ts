/**
 * Items kept in whole-numbered slots by when they are next due (seconds, or whatever unit the
 * caller counts in), so that a periodic look takes only the items due, however many are kept:
 * the embedded broker's token-expiry watch and the lean engine's keepalive sweep.
 */
export class TimeSlots<T> {
  readonly #slots = new Map<number, Set<T>>();
  readonly #slotOf = new Map<T, number>();

  /** How many items are kept. */
  get size(): number {
    return this.#slotOf.size;
  }

  /** Keeps `item` in `slot`, out of any slot it was in before. */
  add(item: T, slot: number): void {
    this.delete(item);
    let items = this.#slots.get(slot);
    if (items === undefined) this.#slots.set(slot, (items = new Set()));
    items.add(item);
    this.#slotOf.set(item, slot);
  }

  delete(item: T): void {
    const slot = this.#slotOf.get(item);
    if (slot === undefined) return;
    this.#slotOf.delete(item);
    const items = this.#slots.get(slot);
    items?.delete(item);
    if (items?.size === 0) this.#slots.delete(slot);
  }

  /** Removes and returns every item in a slot at or before `slot`. */
  takeDue(slot: number): T[] {
    const due: T[] = [];
    for (const [at, items] of this.#slots) {
      if (at > slot) continue;
      for (const item of items) {
        due.push(item);
        this.#slotOf.delete(item);
      }
      this.#slots.delete(at);
    }
    return due;
  }

  /** The earliest slot that holds an item; undefined when none does. */
  earliest(): number | undefined {
    let earliest: number | undefined;
    for (const at of this.#slots.keys()) if (earliest === undefined || at < earliest) earliest = at;
    return earliest;
  }

  clear(): void {
    this.#slots.clear();
    this.#slotOf.clear();
  }
}
