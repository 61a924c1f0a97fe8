/**
 * MQTT topic filters: checking one and matching a topic name against it, by the rules of
 * MQTT 3.1.1 §4.7 and MQTT 5 §4.7 (the same in both versions).
 */

/** Why `filter` is not a valid topic filter, or undefined when it is. */
export function topicFilterProblem(filter: string): string | undefined {
  if (filter.length === 0) return 'a topic filter must be at least one character long'; // [MQTT-4.7.3-1]
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] ?? '';
    // [MQTT-4.7.1-2] '#' stands alone as the last level.
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return `"#" must be the whole last level (in "${filter}")`;
    // [MQTT-4.7.1-3] '+' occupies a whole level.
    if (level.includes('+') && level !== '+') return `"+" must be a whole level (in "${filter}")`;
  }
  return undefined;
}

/** Does the topic name `topic` match the (valid) filter `filter`? */
export function topicMatches(filter: string, topic: string): boolean {
  // [MQTT-4.7.2-1] A filter starting with a wildcard does not match topics starting with '$'.
  if (topic.startsWith('$') && (filter.startsWith('#') || filter.startsWith('+'))) return false;
  const filterLevels = filter.split('/');
  const topicLevels = topic.split('/');
  for (let i = 0; i < filterLevels.length; i++) {
    const f = filterLevels[i] ?? '';
    // '#' also matches the parent level itself: "sport/#" matches "sport" (§4.7.1.2).
    if (f === '#') return true;
    if (i >= topicLevels.length) return false;
    if (f !== '+' && f !== topicLevels[i]) return false;
  }
  return filterLevels.length === topicLevels.length;
}

/**
 * The filter a shared subscription matches topics with: `$share/{ShareName}/{filter}` without its
 * first two levels (MQTT 5 §4.8.2); any other filter as it is.
 */
export function matchingFilter(filter: string): string {
  if (!filter.startsWith('$share/')) return filter;
  const slash = filter.indexOf('/', '$share/'.length);
  return slash === -1 ? filter : filter.slice(slash + 1);
}
