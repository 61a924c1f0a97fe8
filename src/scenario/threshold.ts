/**
 * The threshold grammar (k6's `p(99)<50ms` is the model; its metrics/thresholds_parser.go is the
 * reference). One parser, used by the scenario validator and by `--threshold`:
 *
 *   threshold := target op value
 *   target    := metric [ "{group=" name "}" ] "." aggregate   |   "error_rate" [ "{group=" name "}" ]
 *   aggregate := "p(" number ")" | "p" digits | "avg" | "min" | "max" | "count" | "rate" | "error_rate"
 *   op        := "<" | "<=" | ">" | ">=" | "==" | "!="
 *   value     := number [ "us" | "µs" | "ms" | "s" | "%" | "/s" | "/min" ]
 *
 * Latency values without a unit are milliseconds, as in k6. Evaluation lives in report/.
 */
import { ConfigError } from '../errors.js';

export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export type ThresholdAggregate = { kind: 'percentile'; percentile: number } | { kind: 'avg' | 'min' | 'max' | 'count' | 'rate' | 'error_rate' };

export type ThresholdSource = 'scenario' | 'cli';

export interface Threshold {
  /** The text as written; it names the threshold in reports. */
  expression: string;
  /** `null` for the run-wide `error_rate`. */
  metric: string | null;
  group: string | null;
  aggregate: ThresholdAggregate;
  op: ThresholdOp;
  /** Microseconds for latencies, per second for rates, a fraction for error rates, else a count. */
  limit: number;
  abortOnFail: boolean;
  source: ThresholdSource;
}

const SHAPE = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\{group=([A-Za-z0-9][A-Za-z0-9_.-]*)\})?(?:\.([A-Za-z_]+(?:\([^)]*\))?|p\d+))?\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$/;
const NUMBER = /^(\d+(?:\.\d+)?|\.\d+)(us|µs|ms|s|%|\/s|\/min)?$/;
const LATENCY_US: Record<string, number> = { us: 1, µs: 1, ms: 1000, s: 1_000_000 };

export const THRESHOLD_EXAMPLE = 'a threshold like connect.p(99)<250ms, publishAck{group=rsa}.avg<20ms, error_rate<1% or stage.connect.achievedRatio>0.95';

/** Parses one threshold; throws a ConfigError whose message says what was expected. */
/**
 * `stage.<type|number>.<figure>`: a figure of the stages of one type (the worst of them) or of one
 * stage by its number (1 is the first, as `validate` lists them). The figures are STAGE_FIGURES.
 */
const STAGE_SHAPE = /^\s*stage\.([a-z][a-z-]*|\d+)\.([A-Za-z_]+)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$/;
export const STAGE_FIGURES = ['achievedRatio'] as const;

export function parseThreshold(text: string, options: { abortOnFail?: boolean; source?: ThresholdSource } = {}): Threshold {
  const stage = STAGE_SHAPE.exec(text);
  if (stage !== null) return parseStageThreshold(text, [stage[0], stage[1] ?? '', stage[2] ?? '', opOf(stage[3]), stage[4] ?? ''], options);
  const m = SHAPE.exec(text);
  if (m === null) throw new ConfigError(`"${text}" is not ${THRESHOLD_EXAMPLE}`);
  const [, name = '', group, aggregateText, opText, valueText = ''] = m;
  const op = opOf(opText);
  const globalErrorRate = name === 'error_rate' && aggregateText === undefined;
  if (aggregateText === undefined && !globalErrorRate) {
    throw new ConfigError(`"${text}": name an aggregate after the metric, like ${name}.p(99) or ${name}.count`);
  }
  const aggregate = globalErrorRate ? ({ kind: 'error_rate' } as const) : parseAggregate(aggregateText as string, text);
  return {
    expression: text.trim(),
    metric: globalErrorRate ? null : name,
    group: group ?? null,
    aggregate,
    op,
    limit: parseLimit(valueText, aggregate, text),
    abortOnFail: options.abortOnFail ?? false,
    source: options.source ?? 'scenario',
  };
}

function parseStageThreshold(
  text: string,
  [, stage, figure, op, valueText]: [string, string, string, ThresholdOp, string],
  options: { abortOnFail?: boolean; source?: ThresholdSource },
): Threshold {
  if (!STAGE_FIGURES.some((f) => f === figure))
    throw new ConfigError(`"${text}": unknown stage figure "${figure}"; expected ${STAGE_FIGURES.join(', ')}, like stage.connect.achievedRatio>0.95`);
  const m = /^(\d+(?:\.\d+)?|\.\d+)(%)?$/.exec(valueText);
  if (m === null) throw new ConfigError(`"${text}": "${valueText}" is not a ratio like 0.95 or 95%`);
  // The worst of the stages named: a ratio is judged on its minimum.
  return {
    expression: text.trim(),
    metric: `stage.${stage}.${figure}`,
    group: null,
    aggregate: { kind: 'min' },
    op,
    limit: m[2] === '%' ? Number(m[1]) / 100 : Number(m[1]),
    abortOnFail: options.abortOnFail ?? false,
    source: options.source ?? 'scenario',
  };
}

function parseAggregate(text: string, whole: string): ThresholdAggregate {
  if (text === 'avg' || text === 'min' || text === 'max' || text === 'count' || text === 'rate' || text === 'error_rate') return { kind: text };
  const call = /^p\((\d+(?:\.\d+)?)\)$/.exec(text);
  const short = /^p(\d+)$/.exec(text);
  const percentile = call !== null ? Number(call[1]) : short !== null ? shortPercentile(short[1] ?? '') : NaN;
  if (Number.isNaN(percentile)) {
    throw new ConfigError(`"${whole}": unknown aggregate "${text}"; expected p(N), pN, avg, min, max, count, rate or error_rate`);
  }
  if (percentile < 0 || percentile > 100) throw new ConfigError(`"${whole}": a percentile must be within 0 and 100 (got ${percentile})`);
  return { kind: 'percentile', percentile };
}

/** p99 → 99, p999 → 99.9, p9999 → 99.99, p100 → 100: the digits after the second are decimals. */
function shortPercentile(digits: string): number {
  if (digits === '100') return 100;
  return Number(digits.length <= 2 ? digits : `${digits.slice(0, 2)}.${digits.slice(2)}`);
}

function parseLimit(text: string, aggregate: ThresholdAggregate, whole: string): number {
  const m = NUMBER.exec(text);
  if (m === null) throw new ConfigError(`"${whole}": "${text}" is not a number with an optional unit (us, ms, s, %, /s, /min)`);
  const value = Number(m[1]);
  const unit = m[2];
  switch (aggregate.kind) {
    case 'percentile':
    case 'avg':
    case 'min':
    case 'max':
      if (unit !== undefined && !(unit in LATENCY_US)) throw new ConfigError(`"${whole}": a latency limit takes us, ms or s (got ${unit})`);
      return value * (LATENCY_US[unit ?? 'ms'] ?? NaN);
    case 'rate':
      if (unit !== undefined && unit !== '/s' && unit !== '/min') throw new ConfigError(`"${whole}": a rate limit takes /s or /min (got ${unit})`);
      return unit === '/min' ? value / 60 : value;
    case 'error_rate':
      if (unit !== undefined && unit !== '%') throw new ConfigError(`"${whole}": an error rate is a fraction like 0.01 or a percentage like 1% (got ${unit})`);
      if (unit === undefined && value > 1) throw new ConfigError(`"${whole}": an error rate without % must be within 0 and 1 (got ${value})`);
      return unit === '%' ? value / 100 : value;
    case 'count':
      if (unit !== undefined || !Number.isInteger(value)) throw new ConfigError(`"${whole}": a count limit is a whole number without a unit (got ${text})`);
      return value;
  }
}

/** Whether `actual op limit` holds: true means the threshold passed. */
const THRESHOLD_OPS: readonly ThresholdOp[] = ['<', '<=', '>', '>=', '==', '!='];

/** The operator a shape's regular expression matched, which is one of THRESHOLD_OPS by its construction. */
function opOf(text: string | undefined): ThresholdOp {
  const op = THRESHOLD_OPS.find((o) => o === text);
  if (op === undefined) throw new Error(`not a threshold operator: ${text ?? '(none)'}`);
  return op;
}

export function compareWith(actual: number, op: ThresholdOp, limit: number): boolean {
  switch (op) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
    case '==':
      return actual === limit;
    case '!=':
      return actual !== limit;
  }
}
