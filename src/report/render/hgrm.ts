/**
 * HdrHistogram's percentile-distribution text (.hgrm), the format wrk2 prints and HdrHistogram's
 * plotter reads: `Value Percentile TotalCount 1/(1-Percentile)`, values in milliseconds.
 * Rendering is hdr-histogram-js's own; the parser reads such text back, for tests and tools.
 */
import { decodeHistogram } from '../../metrics/histogram.js';
import type { HistogramReport, MetricsSection, RunResult } from '../model/run-result.js';

/** Microseconds in, milliseconds out, as wrk2 writes them. */
const US_PER_MS = 1000;
const TICKS_PER_HALF_DISTANCE = 5;

export function renderHgrm(report: Pick<HistogramReport, 'encoded'>): string {
  const histogram = decodeHistogram(report.encoded);
  return histogram.outputPercentileDistribution(TICKS_PER_HALF_DISTANCE, US_PER_MS);
}

export interface HgrmRow {
  valueMs: number;
  /** 0..1, as the file writes it. */
  percentile: number;
  totalCount: number;
}

export function parseHgrm(text: string): HgrmRow[] {
  const rows: HgrmRow[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+\.\d+)\s+(\d+\.\d+)\s+(\d+)(?:\s+\S+)?\s*$/.exec(line);
    if (m !== null) rows.push({ valueMs: Number(m[1]), percentile: Number(m[2]), totalCount: Number(m[3]) });
  }
  return rows;
}

/** One file per histogram: `total.connectUs.hgrm`, `group.<name>.connectUs.hgrm`, `stage.<n>.…`. */
export function hgrmFiles(result: RunResult): Map<string, string> {
  const files = new Map<string, string>();
  const addSection = (prefix: string, section: Pick<MetricsSection, 'histograms'>): void => {
    for (const [name, h] of Object.entries(section.histograms)) if (h.summary.count > 0) files.set(`${prefix}.${name}.hgrm`, renderHgrm(h));
  };
  addSection('total', result.total);
  for (const [group, section] of Object.entries(result.groups)) addSection(`group.${group}`, section);
  for (const stage of result.stages) addSection(`stage.${stage.index + 1}-${stage.type}`, stage.total);
  if (result.broker.metrics !== undefined) addSection('broker', result.broker.metrics);
  return files;
}
