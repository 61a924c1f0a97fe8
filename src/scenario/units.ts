/**
 * One parser each for durations, rates and sizes (jose's `secs()` is the model). Each returns
 * undefined for text it does not understand, so the validator can say what was expected.
 */
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;
const RATE = /^(\d+(?:\.\d+)?)\s*\/\s*(s|sec|min|m|h)$/;
const SIZE = /^(\d+)\s*(B|KiB|MiB)$/;

const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const RATE_PER_SEC: Record<string, number> = { s: 1, sec: 1, min: 1 / 60, m: 1 / 60, h: 1 / 3600 };
const SIZE_BYTES: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 * 1024 };

export const DURATION_EXAMPLE = 'a duration like 250ms, 30s, 5m or 1h';
export const RATE_EXAMPLE = 'a rate like 500/s or 30/min';
export const SIZE_EXAMPLE = 'a size like 256B, 1KiB or 2MiB';

export const DURATION_PATTERN = DURATION.source;
export const RATE_PATTERN = RATE.source;
export const SIZE_PATTERN = SIZE.source;

export function parseDurationMs(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  return m === null ? undefined : Number(m[1]) * (DURATION_MS[m[2] ?? ''] ?? NaN);
}

export function parseRatePerSec(text: string): number | undefined {
  const m = RATE.exec(text.trim());
  if (m === null) return undefined;
  const rate = Number(m[1]) * (RATE_PER_SEC[m[2] ?? ''] ?? NaN);
  return rate > 0 ? rate : undefined;
}

export function parseSizeBytes(text: string): number | undefined {
  const m = SIZE.exec(text.trim());
  return m === null ? undefined : Number(m[1]) * (SIZE_BYTES[m[2] ?? ''] ?? NaN);
}

export function formatDurationMs(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** A rate as users write it: whole per second when it is, else per minute, else per second with decimals. */
export function formatRatePerSec(perSec: number): string {
  if (Number.isInteger(perSec)) return `${perSec}/s`;
  const perMin = perSec * 60;
  return Math.abs(perMin - Math.round(perMin)) < 1e-9 ? `${Math.round(perMin)}/min` : `${perSec}/s`;
}
