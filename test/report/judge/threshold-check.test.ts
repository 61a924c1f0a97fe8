import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { assertThresholdsJudgeable, thresholdProblem } from '../../../src/report/judge/threshold-check.js';
import type { RunPlan } from '../../../src/scenario/run-plan.js';
import { parseThreshold } from '../../../src/scenario/threshold.js';
import { runCli } from '../../e2e/cli.js';
import { PLAN } from '../fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-jwt-bench-threshold-check-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const problem = (text: string, plan: RunPlan = PLAN): string | undefined => thresholdProblem(parseThreshold(text), plan);

describe('thresholds checked against the plan before a run', () => {
  it('accepts what the plan will measure', () => {
    for (const text of [
      'connect.p(99)<250ms',
      'publishAck{group=rsa}.p99<20ms',
      'publishAckUs.avg<5ms',
      'acked.count>=100',
      'connected.rate>1/s',
      'connect.count>0',
      'error_rate<1%',
      'publish.error_rate<1%',
      'eventLoopDelay.max<1s',
    ]) {
      assert.equal(problem(text), undefined, text);
    }
  });

  it('refuses a metric that does not exist, with a did-you-mean', () => {
    assert.equal(problem('conect.p(99)<5ms'), 'no metric named "conect"; did you mean "connect"?');
    assert.equal(problem('publishAk.p(99)<5ms'), 'no metric named "publishAk"; did you mean "publishAck"?');
    assert.equal(problem('nothing_like_it.count>1'), 'no metric named "nothing_like_it"');
  });

  it('refuses a group the plan does not have', () => {
    assert.equal(problem('connect{group=nosuch}.p(99)<5ms'), 'no group named "nosuch" (groups: ec, rsa)');
    assert.equal(problem('connect{group=rsb}.p(99)<5ms'), 'no group named "rsb"; did you mean "rsa"? (groups: ec, rsa)');
  });

  it('refuses p(), avg, min and max on a counter', () => {
    assert.equal(problem('connected.p(99)<5ms'), 'connected is a counter, and p(99) needs a latency histogram; use connected.count or connected.rate');
    assert.match(problem('acked.avg<5ms') ?? '', /acked is a counter, and avg needs/);
  });

  it('refuses a latency the plan will never record, and error_rate on other metrics', () => {
    const connectOnly: RunPlan = { ...PLAN, stages: PLAN.stages.filter((s) => s.type !== 'publish') };
    assert.equal(problem('publishAck.p(99)<5ms', connectOnly), 'publishAck will have no samples: the plan has no publish stage');
    assert.equal(problem('uplink.p(99)<5ms'), 'uplink will have no samples: no subscribe stage measures uplink');
    assert.match(problem('acked.error_rate<1%') ?? '', /error_rate is defined for connect, publish and the whole run/);
  });

  it('lists every problem at once, each with where it came from', () => {
    const plan: RunPlan = { ...PLAN, thresholds: [parseThreshold('conect.p(99)<5ms')] };
    assert.throws(() => assertThresholdsJudgeable(plan, [parseThreshold('connected.p(99)<1s', { source: 'cli' })], 'x.yaml'), {
      code: 'ERR_CONFIG',
      message:
        'x.yaml: thresholds[0] "conect.p(99)<5ms": no metric named "conect"; did you mean "connect"?\n--threshold "connected.p(99)<1s": connected is a counter, and p(99) needs a latency histogram; use connected.count or connected.rate',
    });
  });

  it('run exits 2 before anything connects, naming the threshold (no report is written)', async () => {
    for (const threshold of ['conect.p(99)<5ms', 'connect{group=nosuch}.p(99)<5ms', 'connected.p(99)<5ms']) {
      const reports = join(dir, 'reports');
      const cli = await runCli([
        'run',
        'scenarios/quickstart.yaml',
        '--set',
        `groups.0.keys.store=${join(dir, 'keys.json')}`,
        '--threshold',
        threshold,
        '--report-dir',
        reports,
      ]);
      assert.equal(cli.code, 2, cli.stderr);
      assert.match(cli.stderr, new RegExp(`^error: --threshold "${threshold.replace(/[().{}]/g, '\\$&')}": `, 'm'));
      assert.doesNotMatch(cli.stderr, /preparing|stage 1/);
      assert.equal(existsSync(reports), false);
    }
  });
});
