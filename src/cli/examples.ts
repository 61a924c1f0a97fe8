/**
 * Help that teaches: each command's common invocations and where its docs are, kept in one table
 * and added to the commands in main.ts, so the command files keep to their flags.
 */
import type { Argv, CommandModule } from 'yargs';
import { RUN_EXAMPLES } from './run-help.js';

type Example = readonly [command: string, description: string];

export interface CommandHelp {
  examples: readonly Example[];
  docs: string;
}

export const COMMAND_HELP: Readonly<Record<string, CommandHelp>> = {
  run: { examples: RUN_EXAMPLES, docs: 'docs/cli.md#run' },
  validate: {
    examples: [
      ['$0 validate scenarios/quickstart.yaml', 'Check a file and print its plan in words, with estimates for this machine'],
      ['$0 validate scenario.yaml --set groups.0.count=50000', 'Would 50,000 devices fit here?'],
      ['$0 validate scenario.yaml --broker mqtt://10.0.0.5:1883', 'Check it against another broker URL'],
    ],
    docs: 'docs/scenarios.md',
  },
  report: {
    examples: [
      ['$0 report reports/run.json', 'Print the summary of a saved report again'],
      ['$0 report reports/run.json --html run.html --csv timeline.csv', 'Render the HTML page and the per-second CSV'],
      ['$0 report reports/run.json --hgrm hgrm/', 'One HdrHistogram .hgrm file per latency, for HdrHistogram plotters'],
      ["$0 report reports/run.json --threshold 'publishAck.p(99)<20ms'", 'Judge a saved run (exit 99 when crossed)'],
    ],
    docs: 'docs/report-format.md',
  },
  compare: {
    examples: [
      ['$0 compare before.json after.json', 'A verdict, then the changes beyond noise, regressions first'],
      ['$0 compare before.json after.json --noise 5', 'Call changes above ±5% real'],
      ['$0 compare reports/rsa-vs-ec-<time>.json --groups', 'The groups of one run: RSA against EC, in words and figures'],
      ['$0 compare a.json b.json c.json --html compare.html', 'Several runs against the first, as a page with overlaid charts'],
      ['$0 compare before.json after.json --all', 'Every metric, in-band ones too'],
    ],
    docs: 'docs/cli.md#compare',
  },
  merge: {
    examples: [
      ['$0 merge reports/shards/*.json -o all.json', 'One report from the shards of one run; histograms added exactly'],
      ['$0 merge shard-0.json shard-1.json -o all.json --no-html --quiet', 'Only the merged JSON'],
    ],
    docs: 'docs/scaling.md',
  },
  schema: {
    examples: [
      ['$0 schema > scenarios/schema.json', 'The JSON Schema of scenario files, for editors'],
      ['$0 schema --of report', 'The JSON Schema of reports (RunResult)'],
    ],
    docs: 'docs/scenarios.md',
  },
  init: {
    examples: [
      ['$0 init', 'Write scenario.yaml: 100 ES256 devices against the embedded broker'],
      ['$0 init --broker mqtt://127.0.0.1:1883 --alg RS256 mosquitto.yaml', 'A starter for your own broker, RS256 devices'],
      ['$0 init starter.yaml --force', 'Overwrite an existing file'],
    ],
    docs: 'docs/scenarios.md',
  },
  keys: {
    examples: [
      ['$0 keys generate --count 10000 --out keys/fleet --alg ES256', '10,000 ES256 key pairs into keys/fleet/ES256.json (0600), in parallel'],
      ['$0 keys export --keys keys/quickstart/ -o registry.csv', 'deviceId, alg, kid and public key of every device, for bulk registration'],
    ],
    docs: 'docs/cli.md#keys',
  },
  token: {
    examples: [
      ['$0 token --key device.pem --device device-00001', "One token, as akenza's create_jwt makes it"],
      ['$0 token --key device.pem --device d1 --public-key device.pub.pem --decode', 'With the kid, and the header and claims printed'],
    ],
    docs: 'docs/cli.md#token',
  },
  broker: {
    examples: [
      ['$0 broker --keys keys/quickstart', 'The embedded broker on 127.0.0.1:1883 for the quickstart devices'],
      ['$0 broker --port 0 --tls-port 0 --registry registry.csv', 'Free ports, TLS too, devices from a registry file'],
      ['$0 broker --public-key device.pub.pem --device device-00001', 'One device, by its public key'],
    ],
    docs: 'docs/embedded-broker.md',
  },
  'sign-bench': {
    examples: [
      ['$0 sign-bench', 'Every algorithm: keygen, signs/s on 1 and 2 threads, verify, bytes, beside openssl'],
      ['$0 sign-bench --algs RS256,ES256 --duration 2s --html sign.html', 'RSA against EC, quickly, as a page'],
    ],
    docs: 'docs/sign-bench.md',
  },
};

/** The command's name: `compare <files..>` → `compare`. */
function nameOf(module: CommandModule<object, never>): string {
  const command: string | readonly string[] | undefined = module.command;
  const first = typeof command === 'string' ? command : command?.[0];
  return (first ?? '').split(' ')[0] ?? '';
}

/** `module` with its examples and docs pointer added to its help. */
export function withHelp(module: CommandModule<object, never>): CommandModule<object, never> {
  const help = COMMAND_HELP[nameOf(module)];
  const builder = module.builder;
  if (help === undefined || typeof builder !== 'function') return module;
  const withExamples = (y: Argv<object>): Argv<object> => {
    let out = builder(y) as Argv<object>;
    for (const [command, description] of help.examples) out = out.example(command, description);
    // run's epilogue (the exit codes) already names the docs.
    return nameOf(module) === 'run' ? out : out.epilogue(`Docs: ${help.docs}`);
  };
  // yargs types a command's arguments as `never` here, which no builder over Argv<object> fits.
  return { ...module, builder: withExamples as CommandModule<object, never>['builder'] };
}
