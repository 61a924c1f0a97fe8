/**
 * Topic aliases of one connection, the same in both engines (MQTT 5 §3.3.2.3.4): the first topics
 * get aliases 1, 2, … up to the broker's Topic Alias Maximum from CONNACK (§3.2.2.3.8; absent
 * means 0, no aliases [MQTT-3.2.2-18]); a topic's first PUBLISH carries the topic and its alias,
 * later ones the alias and an empty topic. Topics beyond the maximum go in full. Aliases last one
 * connection [MQTT-3.3.2-7], so each connection starts a new map.
 */
export class TopicAliases {
  readonly #maximum: number;
  readonly #byTopic = new Map<string, number>();

  constructor(maximum: number) {
    this.#maximum = maximum;
  }

  /** The topic to send and its alias (0: none) for a PUBLISH to `topic`. */
  use(topic: string): { topic: string; alias: number } {
    const known = this.#byTopic.get(topic);
    if (known !== undefined) return { topic: '', alias: known };
    if (this.#byTopic.size >= this.#maximum) return { topic, alias: 0 };
    const alias = this.#byTopic.size + 1;
    this.#byTopic.set(topic, alias);
    return { topic, alias };
  }
}
