/**
 * Threshold evaluation: pure, over a view of metrics that either a finished RunResult or the
 * coordinator's live totals provide. A crossed threshold is a result, not an exception; only
 * the CLI turns it into exit code 99.
 */
import { decodeHistogram, type Histogram } from '../../metrics/histogram.js';
import { compareWith, type Threshold } from '../../scenario/threshold.js';
import type { RunPlan } from '../../scenario/run-plan.js';
import type { MetricsSection, RunResult, StageRecord, ThresholdOutcome } from '../model/run-result.js';
import { ERRORS_PREFIX, isErrorCounter, METRIC, errorCounter } from '../../metrics/metric-names.js';

/** One section's figures: counters by their flat names (`errors.x`, `connectFailed.y`). */
export interface SectionView {
  counter(name: string): number;
  counterNames(): string[];
  histogram(name: string): Histogram | undefined;
}

export interface MetricsView {
  /** `null` is the total over all groups. */
  section(group: string | null): SectionView | undefined;
  durationSec: number;
  /** The finished stages (absent while a run is going: stage figures have no value yet). */
  stages?: readonly Pick<StageRecord, 'index' | 'type' | 'pace'>[];
}

export function evaluateThresholds(thresholds: readonly Threshold[], view: MetricsView): ThresholdOutcome[] {
  return thresholds.map((t) => {
    const base = {
      expression: t.expression,
      source: t.source,
      metric: t.metric,
      group: t.group,
      aggregate: t.aggregate,
      op: t.op,
      limit: t.limit,
      abortOnFail: t.abortOnFail,
    };
    if (t.metric?.startsWith('stage.') === true) {
      const actual = stageFigure(t.metric, view.stages);
      if (typeof actual === 'string') return { ...base, passed: false, actual: null, note: actual };
      return { ...base, passed: compareWith(actual, t.op, t.limit), actual };
    }
    const section = view.section(t.group);
    if (section === undefined) return { ...base, passed: false, actual: null, note: `no group named "${String(t.group)}"` };
    const actual = measure(t, section, view.durationSec);
    if (typeof actual === 'string') return { ...base, passed: false, actual: null, note: actual };
    return { ...base, passed: compareWith(actual, t.op, t.limit), actual };
  });
}

export function anyCrossed(outcomes: readonly ThresholdOutcome[]): boolean {
  return outcomes.some((o) => !o.passed);
}

/** The measured value in the limit's unit, or why there is none. */
function measure(t: Threshold, s: SectionView, durationSec: number): number | string {
  const metric = t.metric;
  switch (t.aggregate.kind) {
    case 'error_rate':
      return errorRate(metric, s);
    case 'count':
    case 'rate': {
      const count = countOf(metric as string, s);
      if (count === undefined) return `no counter or histogram named "${String(metric)}"`;
      if (t.aggregate.kind === 'count') return count;
      return durationSec > 0 ? count / durationSec : 0;
    }
    default: {
      const h = s.histogram(`${String(metric)}Us`) ?? s.histogram(metric as string);
      if (h === undefined || h.totalCount === 0) return `no samples of ${String(metric)}`;
      if (t.aggregate.kind === 'percentile') return h.getValueAtPercentile(t.aggregate.percentile);
      if (t.aggregate.kind === 'avg') return h.mean;
      return t.aggregate.kind === 'min' ? h.minNonZeroValue : h.maxValue;
    }
  }
}

function countOf(metric: string, s: SectionView): number | undefined {
  if (s.counterNames().includes(metric)) return s.counter(metric);
  const h = s.histogram(`${metric}Us`) ?? s.histogram(metric);
  if (h !== undefined) return h.totalCount;
  // A counter that never moved is absent from reports; a known one is zero, not unknown.
  return KNOWN_COUNTERS.has(metric) ? 0 : undefined;
}

const KNOWN_COUNTERS = new Set([
  'devices',
  'connectAttempts',
  'connected',
  'connectFailed',
  'published',
  'acked',
  'disconnected',
  'missedSlots',
  'tokensSigned',
  'keysGenerated',
]);

export type ThresholdMetricKind = 'counter' | 'histogram';

/** A metric a threshold may name, and why this plan would give it no samples (a histogram only). */
export interface ThresholdMetric {
  kind: ThresholdMetricKind;
  /** Set when the plan will produce no samples of this histogram, saying why. */
  absentBecause?: string;
}

/**
 * Every metric a threshold may name for this plan, by the name thresholds use (`connect` for the
 * histogram `connectUs`). The one list (docs/coord SEAMS §4): `run` checks thresholds against it
 * before anything connects, and evaluation reads the same names.
 */
export function thresholdMetrics(plan: Pick<RunPlan, 'stages'>): Map<string, ThresholdMetric> {
  const publish = plan.stages.filter((s) => s.type === 'publish');
  const subscribes = plan.stages.flatMap((s) => (s.type === 'subscribe' ? [s.measure] : []));
  const noPublish = publish.length === 0 ? 'the plan has no publish stage' : undefined;
  const noAcks = noPublish ?? (publish.every((s) => s.qos === 0) ? 'every publish stage is QoS 0, which has no acks' : undefined);
  const none = (reason: string | undefined): ThresholdMetric => ({ kind: 'histogram', ...(reason === undefined ? {} : { absentBecause: reason }) });
  const histograms: [string, string | undefined][] = [
    ['sign', undefined],
    ['connect', undefined],
    ['connectDone', undefined],
    ['publishAck', noAcks],
    ['publishAckUncorrected', noAcks],
    ['sendLag', noPublish],
    ['refresh', undefined],
    ['reconnect', undefined],
    ['eventLoopDelay', undefined],
    ['uplink', subscribes.includes('uplink') ? undefined : 'no subscribe stage measures uplink'],
    ['downlink', subscribes.includes('downlink') ? undefined : 'no subscribe stage measures downlink'],
  ];
  const counters = [
    ...KNOWN_COUNTERS,
    'ackedLate',
    'ackedNoSubscribers',
    'refused',
    'heldByReceiveMaximum',
    'qosDowngraded',
    'connectBytes',
    'connackBytes',
    'subscribed',
    'received',
    'receivedWithoutTimestamp',
    'refreshes',
    'dropped',
    'reconnects',
    'reconnectAttempts',
    'reconnectGaveUp',
  ];
  return new Map<string, ThresholdMetric>([
    ...histograms.map(([name, reason]) => [name, none(reason)] as const),
    ...counters.map((name) => [name, { kind: 'counter' }] as const),
  ]);
}
const PUBLISH_ERRORS = [errorCounter('publish-failed'), errorCounter('ack-timeout'), errorCounter('not-connected')];

/**
 * connect: failed connects ÷ attempts. publish: failed, unacknowledged or unsendable messages
 * ÷ messages due. Run-wide (`error_rate`): every connect failure and error ÷ every attempt.
 */
function errorRate(metric: string | null, s: SectionView): number | string {
  const sum = (names: string[]): number => names.reduce((n, name) => n + s.counter(name), 0);
  const connectAttempts = s.counter('connectAttempts');
  const publishDue = s.counter(METRIC.published) + s.counter(errorCounter('not-connected'));
  if (metric === 'connect') return connectAttempts > 0 ? s.counter('connectFailed') / connectAttempts : 'no connect attempts';
  // Refused publishes (by the broker's reason code or its limits) are publish errors too.
  if (metric === 'publish') return publishDue > 0 ? (sum(PUBLISH_ERRORS) + s.counter(METRIC.refused)) / publishDue : 'no messages due';
  if (metric !== null) return `error_rate is defined for connect, publish and the whole run, not "${metric}"`;
  const errors = s.counter('connectFailed') + sum(s.counterNames().filter(isErrorCounter));
  const attempts = connectAttempts + publishDue;
  return attempts > 0 ? errors / attempts : 0;
}

/**
 * `stage.<type|number>.achievedRatio`: the ratio of the stage with that number (1 is the first,
 * as `validate`, the console and the HTML count; `stages[0]` in the JSON), or the lowest of the
 * stages of that type (the worst one decides).
 */
function stageFigure(metric: string, stages: MetricsView['stages']): number | string {
  const which = metric.split('.')[1] ?? '';
  if (stages === undefined) return 'stage figures are known once a stage has ended';
  const named = stages.filter((s) => (/^\d+$/.test(which) ? s.index + 1 === Number(which) : s.type === which));
  if (named.length === 0) return `no stage ${/^\d+$/.test(which) ? `number ${which}` : `of type ${which}`} ran`;
  const ratios = named.flatMap((s) => (s.pace?.achievedRatio === null || s.pace?.achievedRatio === undefined ? [] : [s.pace.achievedRatio]));
  if (ratios.length === 0) return `stage ${which} has no planned rate to achieve`;
  return Math.min(...ratios);
}

/** The names a threshold may use besides counters and histograms: `stage.<type|index>.<figure>`. */
export { STAGE_FIGURES } from '../../scenario/threshold.js';

/** A view over a saved report; histograms are decoded on first use. */
export function viewOfResult(result: Pick<RunResult, 'total' | 'groups' | 'durationMs'> & Partial<Pick<RunResult, 'stages'>>): MetricsView {
  const views = new Map<string | null, SectionView>();
  return {
    durationSec: result.durationMs / 1000,
    ...(result.stages === undefined ? {} : { stages: result.stages }),
    section(group) {
      const section = group === null ? result.total : result.groups[group];
      if (section === undefined) return undefined;
      let view = views.get(group);
      if (view === undefined) views.set(group, (view = viewOfSection(section)));
      return view;
    },
  };
}

function viewOfSection(section: MetricsSection): SectionView {
  const counters: Record<string, number> = { ...section.counters };
  for (const [k, v] of Object.entries(section.connectFailures)) counters[`connectFailed.${k}`] = v;
  for (const [k, v] of Object.entries(section.errors)) counters[`${ERRORS_PREFIX}${k}`] = v;
  const decoded = new Map<string, Histogram>();
  return {
    counter: (name) => counters[name] ?? 0,
    counterNames: () => Object.keys(counters),
    histogram(name) {
      const encoded = section.histograms[name]?.encoded;
      if (encoded === undefined) return undefined;
      let h = decoded.get(name);
      if (h === undefined) decoded.set(name, (h = decodeHistogram(encoded)));
      return h;
    },
  };
}
