import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDurationMs, parseDurationMs, parseRatePerSec, parseSizeBytes } from '../../src/scenario/units.js';

describe('units', () => {
  const durations: [string, number | undefined][] = [
    ['250ms', 250],
    ['30s', 30_000],
    ['1.5s', 1500],
    ['5m', 300_000],
    ['1h', 3_600_000],
    [' 2s ', 2000],
    ['10', undefined],
    ['s', undefined],
    ['-1s', undefined],
    ['3d', undefined],
    ['', undefined],
  ];
  for (const [text, expected] of durations) it(`duration ${JSON.stringify(text)} → ${expected}`, () => assert.equal(parseDurationMs(text), expected));

  const rates: [string, number | undefined][] = [
    ['500/s', 500],
    ['30/min', 0.5],
    ['60/m', 1],
    ['3600/h', 1],
    ['1/sec', 1],
    ['0.5/s', 0.5],
    ['0/s', undefined],
    ['100', undefined],
    ['/s', undefined],
    ['5/d', undefined],
  ];
  for (const [text, expected] of rates) it(`rate ${JSON.stringify(text)} → ${expected}`, () => assert.equal(parseRatePerSec(text), expected));

  const sizes: [string, number | undefined][] = [
    ['256B', 256],
    ['1KiB', 1024],
    ['2MiB', 2 * 1024 * 1024],
    ['1KB', undefined],
    ['1.5KiB', undefined],
  ];
  for (const [text, expected] of sizes) it(`size ${JSON.stringify(text)} → ${expected}`, () => assert.equal(parseSizeBytes(text), expected));

  const formats: [number, string][] = [
    [250, '250ms'],
    [30_000, '30s'],
    [300_000, '5m'],
    [7_200_000, '2h'],
    [1500, '1500ms'],
  ];
  for (const [ms, text] of formats) it(`format ${ms} → ${text}`, () => assert.equal(formatDurationMs(ms), text));
});
