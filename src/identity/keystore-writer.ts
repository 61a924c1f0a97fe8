/**
 * Keeps a growing keystore on disk while keys are generated, so an interrupted generation
 * resumes where it stopped. Saves are atomic and coalesced: at most one every `intervalMs`.
 */
import { saveKeystore, type Keystore, type KeystoreEntry } from './keystore.js';

export class KeystoreWriter {
  readonly #path: string;
  readonly #store: Keystore;
  readonly #intervalMs: number;
  #dirty = false;
  #lastSaveMs = 0;
  #saving: Promise<void> = Promise.resolve();
  #error: Error | undefined;

  constructor(path: string, store: Keystore, intervalMs = 2000) {
    this.#path = path;
    this.#store = store;
    this.#intervalMs = intervalMs;
  }

  add(entries: Iterable<[string, KeystoreEntry]>): void {
    for (const [id, entry] of entries) this.#store.devices[id] = entry;
    this.#dirty = true;
    if (Date.now() - this.#lastSaveMs >= this.#intervalMs) void this.#save();
  }

  /** Saves whatever is not saved yet; resolves when it is on disk. */
  async flush(): Promise<void> {
    await this.#saving;
    if (this.#dirty) await this.#save();
    if (this.#error !== undefined) throw this.#error;
  }

  #save(): Promise<void> {
    this.#dirty = false;
    this.#lastSaveMs = Date.now();
    this.#saving = this.#saving
      .then(() => saveKeystore(this.#path, this.#store))
      .catch((error: unknown) => {
        this.#error ??= error instanceof Error ? error : new Error(String(error));
      });
    return this.#saving;
  }
}
