/** A threshold's measured value in the unit its limit was written in. */
import type { ThresholdOutcome } from '../model/run-result.js';

export function formatThresholdValue(o: Pick<ThresholdOutcome, 'actual' | 'aggregate' | 'limit'> & Partial<Pick<ThresholdOutcome, 'metric'>>): string {
  if (o.actual === null) return 'no data';
  // Stage figures are ratios (stage.connect.achievedRatio).
  if (o.metric?.startsWith('stage.') === true) return `${o.actual.toFixed(3)} (limit ${o.limit})`;
  return `${formatOne(o.actual, o.aggregate.kind)} (limit ${formatOne(o.limit, o.aggregate.kind)})`;
}

function formatOne(value: number, kind: ThresholdOutcome['aggregate']['kind']): string {
  switch (kind) {
    case 'rate':
      return `${value.toFixed(1)}/s`;
    case 'error_rate':
      return `${(value * 100).toFixed(2)}%`;
    case 'count':
      return String(value);
    default:
      return `${Number((value / 1000).toFixed(3))}ms`;
  }
}
