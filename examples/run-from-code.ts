/**
 * A scenario run from code: the example of docs/library.md, kept as a file so that a test runs
 * it (test/examples/run-from-code.test.ts) and the docs cannot drift from it.
 * After `npm run build`: node dist/examples/run-from-code.js
 */
import { argv } from 'node:process';
import { pathToFileURL } from 'node:url';
import { run, scenarioFromObject, type ProgressEvent, type RunResult, type ScenarioInput } from 'mqtt-jwt-bench';
import { formatSummary } from 'mqtt-jwt-bench/report';

export async function runExample(keysDir = 'keys/library-example'): Promise<RunResult> {
  // The same format as a scenario file; types complete every field.
  const scenario: ScenarioInput = {
    name: 'library-example',
    broker: 'embedded',
    groups: [
      {
        name: 'sensors',
        count: 20,
        alg: 'ES256',
        keys: { mode: 'per-device', store: `${keysDir}/sensors.json` },
        payload: { json: { temperature: '{random:18.0..26.0}', seq: '{seq}', ts: '{timestamp}' } },
      },
    ],
    stages: [{ type: 'connect', rate: '50/s' }, { type: 'publish', rate: '2/s', count: 4, qos: 1 }, { type: 'disconnect' }],
    thresholds: ['connect.error_rate<1%', 'publish.error_rate<1%'],
  };
  // Throws a ConfigError listing every problem, exactly as `validate` prints them.
  const loaded = scenarioFromObject(scenario, 'library-example');
  // Aborting stops the run gracefully; the result is then marked `interrupted`.
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  try {
    return await run(loaded, {
      signal: controller.signal,
      onProgress: (event: ProgressEvent) => {
        if (event.type === 'stage') console.error(`stage ${event.index + 1}/${event.count}: ${event.stageType}`);
      },
    });
  } finally {
    process.off('SIGINT', stop);
  }
}

if (argv[1] !== undefined && import.meta.url === pathToFileURL(argv[1]).href) {
  const result = await runExample();
  console.log(formatSummary(result));
  // The CLI's convention: 99 when a threshold was crossed.
  process.exitCode = result.thresholds.every((t) => t.passed) ? 0 : 99;
}
