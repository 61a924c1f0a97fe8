/**
 * What `run --help` teaches beyond its flags: the five most common invocations, the exit codes
 * (the table of docs/cli.md#exit-codes, in the order the first that applies wins), the docs.
 */
import type { Argv } from 'yargs';

export const RUN_EXAMPLES: readonly (readonly [string, string])[] = [
  ['$0 run --devices 100 --duration 10s', 'Quick run: 100 ES256 devices against the embedded broker, no file needed'],
  ['$0 run --broker mqtt://127.0.0.1:1883 --devices 1000 --rate 200', 'Quick run against your broker: 1,000 devices connecting at 200/s'],
  ['$0 run quickstart', 'Run a shipped scenario (scenarios/quickstart.yaml) or any file; reports go to reports/ (JSON and HTML)'],
  ["$0 run scenario.yaml --threshold 'connect.p(99)<250ms'", 'Fail the run (exit 99) when connect p99 reaches 250 ms'],
  ['$0 run scenario.yaml --set groups.0.count=5000 --processes 4', 'Override a field; spread the devices over 4 local processes'],
];

/** Exit codes, first that applies wins; 5 and 6 are set by the verdicts of this wave's other branches. */
export const EXIT_CODE_TABLE = `Exit codes (the first that applies wins):
  2    bad input: scenario, key file, flag, threshold naming an unknown metric
  3    broker unreachable
  4    failed: a worker crashed or hung, the broker failed, or a planned measurement recorded nothing
  5    did not happen: stopped early (every connect refused, or none connected at a publish stage),
       no device connected, or it sent under 95% of the plan (the default minimum)
  130  interrupted (Ctrl-C, SIGTERM); the report is marked interrupted
  6    untrustworthy: the generator was saturated, or a stage ran over 5% behind its plan
  99   a threshold was crossed
  0    clean
  1    an unexpected internal error (--verbose prints the stack)`;

/** The exit codes and the docs under `run --help`; the examples are added with every command's (examples.ts). */
export function withRunEpilogue<T>(y: Argv<T>): Argv<T> {
  return y.epilogue(`${EXIT_CODE_TABLE}\n\nCommands and flags: docs/cli.md · scenario files: docs/scenarios.md · reports: docs/report-format.md`);
}
