/**
 * The generator sections of a run's shards, merged: saturated if any shard was, every reason
 * kept with its shard, process figures summed (the machine-wide cost when the shards shared a
 * machine), and each shard's own section kept whole in `shards`. Not judged (`judged: false`)
 * when any shard's was not: the shards share one scenario.
 */
import type { GeneratorSection, ShardGenerator } from '../model/run-result.js';

export interface ShardGeneratorInput {
  shard: number;
  generator: GeneratorSection | undefined;
}

export function mergeGenerators(inputs: readonly ShardGeneratorInput[]): GeneratorSection | undefined {
  const shards: ShardGenerator[] = inputs.flatMap((i) => (i.generator === undefined ? [] : [shardOf(i.shard, i.generator)])).sort((a, b) => a.shard - b.shard);
  if (shards.length === 0) return undefined;
  const sum = (pick: (g: ShardGenerator) => number): number => shards.reduce((n, g) => n + pick(g), 0);
  const peakConnected = sum((g) => g.process.peakConnected);
  const peakRssBytes = sum((g) => g.process.peakRssBytes);
  const baselineRssBytes = sum((g) => g.process.baselineRssBytes);
  return {
    saturated: shards.some((g) => g.saturated),
    reasons: shards.flatMap((g) => g.reasons.map((r) => `shard ${g.shard}: ${r}`)),
    workers: shards.flatMap((g) => g.workers.map((w) => ({ ...w, shard: g.shard }))),
    process: {
      cpuUserMs: sum((g) => g.process.cpuUserMs),
      cpuSystemMs: sum((g) => g.process.cpuSystemMs),
      baselineRssBytes,
      peakRssBytes,
      peakConnected,
      rssPerConnectionBytes: peakConnected > 0 ? Math.round((peakRssBytes - baselineRssBytes) / peakConnected) : null,
    },
    shards,
    ...(shards.some((g) => g.judged === false) ? { judged: false as const } : {}),
  };
}

function shardOf(shard: number, g: GeneratorSection): ShardGenerator {
  return {
    shard,
    saturated: g.saturated,
    reasons: g.reasons,
    workers: g.workers,
    process: g.process,
    ...(g.behindPlan === undefined ? {} : { behindPlan: g.behindPlan }),
    ...(g.judged === undefined ? {} : { judged: g.judged }),
  };
}
