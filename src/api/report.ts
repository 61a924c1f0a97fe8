/**
 * `mqtt-jwt-bench/report`: what `report`, `merge` and `compare` do, as functions of saved
 * RunResults (docs/library.md). Pinned with the root entry by test/api/public-api.test.ts.
 */
export { writeReport } from '../report/model/write.js';
export { readRunResult, parseRunResult } from '../report/model/read.js';
export { formatSummary } from '../report/render/console.js';
export { renderRunHtml } from '../report/render/html.js';
export { renderHgrm } from '../report/render/hgrm.js';
export { renderTimelineCsv } from '../report/render/csv.js';
export { mergeResults, type MergeInput } from '../report/merge/merge.js';
export { compareRuns, compareGroups, type Comparison, type CompareRow, type CompareOptions } from '../report/compare/compare.js';
export { runsVerdict, groupsVerdict } from '../report/compare/compare-verdict.js';
export { evaluateThresholds, viewOfResult, type MetricsView, type SectionView } from '../report/judge/thresholds.js';
export { capacityVerdict } from '../report/judge/capacity.js';
export { decodeHistogram, encodeHistogram, type Histogram } from '../metrics/histogram.js';
