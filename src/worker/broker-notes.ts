/**
 * What a worker learns of the broker beyond counts, bounded: the first few Reason Strings per
 * counted reason (MQTT 5 §3.4.2.2.2, §3.14.2.2.3), and the capabilities each broker URL announced
 * in its first CONNACK. Handed to the coordinator once each, in the snapshot after it was learnt.
 */
import type { BrokerCapabilities } from './engines/broker-limits.js';

/** Reason Strings kept per reason, and reasons with strings kept, per worker (and in the report). */
export const REASON_STRINGS_PER_REASON = 3;
export const REASONS_WITH_STRINGS = 20;
/** The longest Reason String kept, in characters. */
const REASON_STRING_CHARS = 200;

export interface BrokerNotesDelta {
  /** Counter name (`errors.refused.not-authorized`) → its first Reason Strings. */
  reasonStrings?: Record<string, string[]>;
  /** Broker URL → the capabilities its first MQTT 5 CONNACK announced. */
  capabilities?: Record<string, BrokerCapabilities>;
}

export class BrokerNotes {
  readonly #strings = new Map<string, string[]>();
  readonly #capabilityUrls = new Set<string>();
  #delta: BrokerNotesDelta = {};

  reasonString(reason: string, text: string): void {
    let kept = this.#strings.get(reason);
    if (kept === undefined) {
      if (this.#strings.size >= REASONS_WITH_STRINGS) return;
      this.#strings.set(reason, (kept = []));
    }
    const clipped = text.slice(0, REASON_STRING_CHARS);
    if (kept.length >= REASON_STRINGS_PER_REASON || kept.includes(clipped)) return;
    kept.push(clipped);
    ((this.#delta.reasonStrings ??= {})[reason] ??= []).push(clipped);
  }

  capabilities(url: string, capabilities: BrokerCapabilities | undefined): void {
    if (capabilities === undefined || this.#capabilityUrls.has(url)) return;
    this.#capabilityUrls.add(url);
    (this.#delta.capabilities ??= {})[url] = capabilities;
  }

  /** What was learnt since the last call. */
  take(): BrokerNotesDelta {
    const delta = this.#delta;
    this.#delta = {};
    return delta;
  }
}

/** Adds `delta` to `into`, keeping the same bounds. */
export function mergeNotes(into: BrokerNotesDelta, delta: BrokerNotesDelta): void {
  for (const [reason, texts] of Object.entries(delta.reasonStrings ?? {})) {
    const strings = (into.reasonStrings ??= {});
    if (strings[reason] === undefined && Object.keys(strings).length >= REASONS_WITH_STRINGS) continue;
    const kept = (strings[reason] ??= []);
    for (const text of texts) if (kept.length < REASON_STRINGS_PER_REASON && !kept.includes(text)) kept.push(text);
  }
  for (const [url, capabilities] of Object.entries(delta.capabilities ?? {})) (into.capabilities ??= {})[url] ??= capabilities;
}
