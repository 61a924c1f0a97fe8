/**
 * Who mosquitto lets in, and that our TLS checks are real: each case must fail for the stated
 * reason, counted per device, never thrown, and the control case must get in.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { run, scenarioFromObject } from '../../src/index.js';
import type { RunResult } from '../../src/report/model/run-result.js';
import { MosquittoBroker, type Transport } from './broker.js';
import type { TestPki } from './pki.js';
import { brokerOptions, brokerUrl, connectScenario } from './scenario.js';
import { mosquittoSuite } from './suite.js';
import { skipWithoutMosquitto } from './tools.js';
import type { ScenarioInput } from '../../src/scenario/schema.js';
import { runCli } from '../e2e/cli.js';

const skip = skipWithoutMosquitto();
const DEVICES = 3;

describe('against mosquitto: who gets in', () => {
  const suite = mosquittoSuite('refusals', skip);
  const { dir } = suite;

  async function attempt(
    transport: Transport,
    allowAnonymous: boolean,
    version: 4 | 5,
    tls: (pki: TestPki) => ScenarioInput['tls'],
    engine: 'mqttjs' | 'lean',
  ): Promise<RunResult> {
    const broker = await MosquittoBroker.start(suite.tools.mosquitto, brokerOptions(transport, dir, suite.pki, allowAnonymous));
    try {
      const base = connectScenario({
        name: `refusal-${transport}`,
        url: brokerUrl(transport, broker.port),
        tls: tls(suite.pki),
        version,
        devices: DEVICES,
        keyDir: join(dir, 'keys'),
      });
      // Refusals are what these runs are for: without `expect: refusals` each would be failed, exit 5.
      const scenario = { ...base, mqtt: { ...base.mqtt, engine }, expect: 'refusals' as const };
      return await run(scenarioFromObject(scenario, scenario.name));
    } finally {
      await broker.stop();
    }
  }

  const refusedBy = (result: RunResult): Record<string, number> => {
    assert.equal(result.status, 'complete');
    assert.equal(result.total.counters['connected'], undefined);
    assert.equal(result.total.counters['connectFailed'], DEVICES);
    return result.total.connectFailures;
  };

  // The same refusals, the same reasons, whichever engine holds the devices.
  for (const engine of ['mqttjs', 'lean'] as const) {
    for (const version of [4, 5] as const) {
      it(
        `allow_anonymous false refuses every JWT device, MQTT ${version === 4 ? '3.1.1' : '5'}: mosquitto has no user "unused" (${engine})`,
        { skip },
        async () => {
          const result = await attempt('tcp', false, version, () => undefined, engine);
          assert.deepEqual(refusedBy(result), { 'not-authorized': DEVICES });
        },
      );
    }

    // mosquitto sends its cafile along with the server certificate, so Node sees a chain that
    // ends in a self-signed CA it does not trust.
    it(`TLS without our CA fails verification (the system store does not know it) (${engine})`, { skip }, async () => {
      const result = await attempt('tls', true, 4, () => ({ minVersion: 'TLSv1.2', rejectUnauthorized: true }), engine);
      assert.deepEqual(refusedBy(result), { SELF_SIGNED_CERT_IN_CHAIN: DEVICES });
    });

    it(`TLS trusting another CA fails verification (${engine})`, { skip }, async () => {
      const result = await attempt('tls', true, 4, (p) => ({ ca: p.otherCaFile }), engine);
      assert.deepEqual(refusedBy(result), { SELF_SIGNED_CERT_IN_CHAIN: DEVICES });
    });

    it(`TLS with a servername the certificate does not name fails the host check (${engine})`, { skip }, async () => {
      const result = await attempt('tls', true, 4, (p) => ({ ca: p.caFile, servername: 'broker.example.com' }), engine);
      assert.deepEqual(refusedBy(result), { ERR_TLS_CERT_ALTNAME_INVALID: DEVICES });
    });

    it(`mutual TLS without a client certificate is refused by mosquitto (${engine})`, { skip }, async () => {
      const result = await attempt('mtls', true, 4, (p) => ({ ca: p.caFile }), engine);
      // TLS 1.3's certificate_required alert (RFC 8446 §6.2, alert 116); should the socket reset
      // before the alert is read, ECONNRESET is the only other honest outcome.
      const reasons = refusedBy(result);
      assert.ok(
        Object.keys(reasons).every((r) => r === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' || r === 'ECONNRESET'),
        JSON.stringify(reasons),
      );
    });
  }

  it('rejectUnauthorized: false connects without the CA, and the CLI warns about it', { skip }, async () => {
    const broker = await MosquittoBroker.start(suite.tools.mosquitto, brokerOptions('tls', dir, suite.pki, true));
    try {
      const file = join(dir, 'insecure.yaml');
      writeFileSync(
        file,
        `name: insecure\nbroker: mqtts://127.0.0.1:${broker.port}\nworkers: 1\njudgeGenerator: false\ntls:\n  rejectUnauthorized: false\n` +
          `groups:\n  - name: sensors\n    count: ${DEVICES}\n    keys: { store: ${join(dir, 'keys', 'sensors.json')} }\n` +
          `stages:\n  - type: connect\n  - type: disconnect\n`,
      );
      const cli = await runCli(['run', file, '--report-dir', join(dir, 'reports'), '--quiet']);
      assert.equal(cli.code, 0, cli.stderr);
      assert.match(cli.stderr, /^warning: tls\.rejectUnauthorized is false: the broker's certificate is NOT verified/m);
      assert.match(cli.stdout, new RegExp(`connected ${DEVICES} · connect failed 0`));
    } finally {
      await broker.stop();
    }
  });
});
