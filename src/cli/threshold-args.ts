/** `--threshold` flags: the scenario grammar, marked as coming from the command line. */
import { ConfigError, errorMessage } from '../errors.js';
import { parseThreshold, type Threshold } from '../scenario/threshold.js';

export function thresholdsFromArgs(values: readonly string[] | undefined): Threshold[] {
  return (values ?? []).map((text) => {
    try {
      return parseThreshold(text, { source: 'cli' });
    } catch (error) {
      throw new ConfigError(`--threshold ${errorMessage(error)}`, { hint: 'See "Thresholds" in docs/scenarios.md for the grammar.' });
    }
  });
}
