/**
 * The timeline as the renderings show it (CSV, HTML charts): from the second the first stage
 * began (second 0 is when the load starts; keys and tokens are prepared before it), one row per
 * second with no gaps (counts zero, gauges carried over), each row naming its stage; and the
 * moments worth marking: stage boundaries, lost connections, reconnects, token-refresh waves.
 * The JSON keeps its own seconds (since `startedAt`). Pure.
 */
import { emptyTimelinePoint, type RunResult, type TimelinePoint } from '../model/run-result.js';

export interface TimelineRow extends TimelinePoint {
  /** `1 connect`, `2 publish`, …; `preparing` before the first stage (old reports only), `after` past the last. */
  stage: string;
}

export interface RunTimeline {
  /** Seconds of the JSON timeline before the first stage: preparation (keys, tokens, workers). */
  offsetSec: number;
  rows: TimelineRow[];
}

export type MarkerKind = 'stage' | 'lost' | 'reconnects' | 'refreshes';

export interface TimelineMarker {
  kind: MarkerKind;
  /** Seconds, on the rows' axis. */
  second: number;
  /** Where a run of consecutive seconds ends (events only). */
  untilSecond: number;
  label: string;
  count: number;
}

type TimelineSource = Pick<RunResult, 'startedAt' | 'timeline' | 'stages'>;

export function runTimeline(result: TimelineSource): RunTimeline {
  const startMs = Date.parse(result.startedAt);
  const firstStageMs = result.stages.length > 0 ? Date.parse(result.stages[0]?.startedAt ?? result.startedAt) : startMs;
  const offsetSec = Math.max(0, Math.floor((firstStageMs - startMs) / 1000));
  const points = [...result.timeline].sort((a, b) => a.second - b.second);
  const last = points[points.length - 1]?.second ?? -1;
  const bySecond = new Map(points.map((p) => [p.second, p]));
  const bounds = result.stages.map((s) => ({
    name: `${s.index + 1} ${s.type}`,
    fromSec: (Date.parse(s.startedAt) - startMs) / 1000,
    toSec: (Date.parse(s.endedAt) - startMs) / 1000,
  }));
  const rows: TimelineRow[] = [];
  let previous: TimelinePoint | undefined;
  for (let second = offsetSec; second <= last; second++) {
    const point = bySecond.get(second) ?? gap(second, previous);
    previous = point;
    // The stage running when the second began; in the first stage's own second, that stage (a
    // connect stage shorter than a second must still name the row it started in).
    const running = [...bounds].reverse().find((b) => b.fromSec <= second) ?? bounds.find((b) => b.fromSec < second + 1);
    const stage = running === undefined ? 'preparing' : second >= (bounds[bounds.length - 1]?.toSec ?? Infinity) ? 'after' : running.name;
    rows.push({ ...point, second: second - offsetSec, stage });
  }
  return { offsetSec, rows };
}

/** A second no worker reported in: nothing counted, the gauges as they were. */
function gap(second: number, previous: TimelinePoint | undefined): TimelinePoint {
  return { ...emptyTimelinePoint(second), connected: previous?.connected ?? 0, inFlight: previous?.inFlight ?? 0 };
}

const EVENT_LABELS: Record<Exclude<MarkerKind, 'stage'>, string> = { lost: 'lost', reconnects: 'reconnected', refreshes: 'token refreshes' };

/** Stage starts, and runs of consecutive seconds with lost connections, reconnects or refreshes, on the rows' axis. */
export function timelineMarkers(result: TimelineSource, timeline: RunTimeline = runTimeline(result)): TimelineMarker[] {
  const startMs = Date.parse(result.startedAt);
  const markers: TimelineMarker[] = result.stages.map((s) => {
    const second = (Date.parse(s.startedAt) - startMs) / 1000 - timeline.offsetSec;
    return { kind: 'stage', second, untilSecond: second, label: `${s.index + 1} ${s.type}`, count: 0 };
  });
  for (const kind of ['lost', 'reconnects', 'refreshes'] as const) {
    let open: TimelineMarker | undefined;
    for (const row of timeline.rows) {
      const n = row[kind] ?? 0;
      if (n > 0 && open !== undefined && open.untilSecond === row.second - 1) {
        open.untilSecond = row.second;
        open.count += n;
      } else if (n > 0) {
        open = { kind, second: row.second, untilSecond: row.second, label: '', count: n };
        markers.push(open);
      }
    }
  }
  for (const m of markers) if (m.kind !== 'stage') m.label = `${m.count} ${EVENT_LABELS[m.kind]}`;
  return markers;
}
