/** Where a run happened: part of every report, so figures are never read without their machine. */
import { readFileSync } from 'node:fs';
import { arch, availableParallelism, cpus, platform, totalmem } from 'node:os';
import type { EnvironmentInfo } from '../report/model/run-result.js';

export function harnessVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function environmentInfo(): EnvironmentInfo {
  return {
    harnessVersion: harnessVersion(),
    node: process.version,
    platform: platform(),
    arch: arch(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    totalMemoryBytes: totalmem(),
  };
}
