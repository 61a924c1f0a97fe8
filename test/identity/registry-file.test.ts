import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCsv } from '../../src/identity/csv.js';
import { formatRegistry, parseRegistryFile, type DeviceRecord } from '../../src/identity/registry-file.js';
import { vectorFile, vectors } from '../helpers.js';

const ec = vectors.cases.find((c) => c.name === 'ec')!;
const rsa = vectors.cases.find((c) => c.name === 'rsa')!;
const records: DeviceRecord[] = [
  { deviceId: 'dev-1', alg: 'ES256', publicKey: vectorFile('ec_public.pem') },
  { deviceId: 'dev,"2"', alg: 'RS256', publicKey: vectorFile('rsa_public.pem') },
];

describe('registry file', () => {
  for (const format of ['json', 'csv'] as const) {
    it(`${format}: what formatRegistry writes, parseRegistryFile reads back, with the vector kids`, () => {
      const text = formatRegistry(records, format);
      const read = parseRegistryFile(text, `devices.${format}`);
      assert.deepEqual(
        read.map((r) => [r.deviceId, r.alg, r.kid, r.publicKey]),
        [
          ['dev-1', 'ES256', ec.kid, records[0]!.publicKey],
          ['dev,"2"', 'RS256', rsa.kid, records[1]!.publicKey],
        ],
      );
    });
  }

  it('csv: the PEM keeps its newlines inside quotes (RFC 4180)', () => {
    const text = formatRegistry(records.slice(0, 1), 'csv');
    assert.match(text, /^deviceId,alg,kid,publicKey\r\ndev-1,ES256,[0-9a-f]{64},"-----BEGIN PUBLIC KEY-----\n/);
    const rows = parseCsv(text, 'x.csv');
    assert.equal(rows.length, 2);
    assert.equal(rows[1]?.cells[3], records[0]!.publicKey);
  });

  it('json: refuses a kid that is not the key fingerprint, naming file and line', () => {
    const text = JSON.stringify(
      {
        devices: [
          { deviceId: 'dev-1', alg: 'ES256', kid: ec.kid, publicKey: records[0]!.publicKey },
          { deviceId: 'dev-2', alg: 'ES256', kid: rsa.kid, publicKey: records[0]!.publicKey },
        ],
      },
      null,
      2,
    );
    assert.throws(() => parseRegistryFile(text, 'reg.json'), {
      code: 'ERR_CONFIG',
      message: /^reg\.json:10 kid of device dev-2 is not the SHA-256 of its public key/,
    });
  });

  it('csv: refuses a kid that is not the key fingerprint, naming the line the record starts on', () => {
    const lines = formatRegistry(records, 'csv').split('\r\n');
    const tampered = lines.join('\r\n').replace(rsa.kid, ec.kid);
    const startLine = 1 + 1 + records[0]!.publicKey.split('\n').length - 1 + 1;
    assert.throws(() => parseRegistryFile(tampered, 'reg.csv'), { code: 'ERR_CONFIG', message: new RegExp(`^reg\\.csv:${startLine} kid of device dev,"2"`) });
  });

  it('csv: reads a file that starts with a byte order mark', () => {
    assert.equal(parseRegistryFile(`\uFEFF${formatRegistry(records, 'csv')}`, 'bom.csv').length, 2);
  });

  it('accepts a record without kid and computes it', () => {
    const [read] = parseRegistryFile(JSON.stringify({ devices: [{ deviceId: 'd', alg: 'ES256', publicKey: records[0]!.publicKey }] }), 'r.json');
    assert.equal(read?.kid, ec.kid);
  });

  const bad: [string, string, RegExp][] = [
    [
      'a key that does not fit the alg',
      JSON.stringify({ devices: [{ deviceId: 'd', alg: 'RS256', publicKey: records[0]!.publicKey }] }),
      /^r:1 device d: an EC key cannot sign RS256/,
    ],
    ['an unknown alg', JSON.stringify({ devices: [{ deviceId: 'd', alg: 'HS256', publicKey: records[0]!.publicKey }] }), /^r:1 alg must be one of/],
    [
      'a duplicate device',
      JSON.stringify({
        devices: [
          { deviceId: 'd', alg: 'ES256', publicKey: records[0]!.publicKey },
          { deviceId: 'd', alg: 'ES256', publicKey: records[0]!.publicKey },
        ],
      }),
      /^r:1 device d is listed twice/,
    ],
    ['no devices array', '{"devs":[]}', /^r must hold \{"devices"/],
    ['a CSV with the wrong header', 'id,alg,kid,publicKey\r\n', /^r:1 the header must be deviceId,alg,kid,publicKey/],
    ['an unclosed quote', 'deviceId,alg,kid,publicKey\r\nd,ES256,,"-----BEGIN', /^r:2 a quoted field is never closed/],
    ['a key that is not PEM', 'deviceId,alg,kid,publicKey\r\nd,ES256,,nonsense\r\n', /^r:2 device d: not a public key/],
  ];
  for (const [name, text, message] of bad) {
    it(`refuses ${name} with a ConfigError`, () => {
      assert.throws(() => parseRegistryFile(text, 'r'), { code: 'ERR_CONFIG', message });
    });
  }
});
