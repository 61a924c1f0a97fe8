import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { ECDSA_PART_BYTES, ecdsaDerToJose, ecdsaJoseToDer } from '../../src/identity/ecdsa-signature-format.js';

const hex = (...parts: string[]): Buffer => Buffer.from(parts.join(''), 'hex');

/** Written out by hand (X.690 DER, RFC 7518 §3.4), so the code is not checked against itself. */
const TABLE: { name: string; partBytes: number; der: Buffer; jose: Buffer }[] = [
  {
    name: 'R with a sign byte, S one byte short (its leading zero not in DER)',
    partBytes: 32,
    der: hex('3044', '0221', '00', '80'.repeat(32), '021f', '7f'.repeat(31)),
    jose: hex('80'.repeat(32), '00', '7f'.repeat(31)),
  },
  {
    name: 'R = 1 and S = 0: padded to 32 bytes each',
    partBytes: 32,
    der: hex('3006', '020101', '020100'),
    jose: hex('00'.repeat(31), '01', '00'.repeat(32)),
  },
  {
    name: 'R and S of exactly 32 bytes, top bit clear',
    partBytes: 32,
    der: hex('3044', '0220', '11'.repeat(32), '0220', '22'.repeat(32)),
    jose: hex('11'.repeat(32), '22'.repeat(32)),
  },
  {
    name: 'P-384: R short by two bytes, S with a sign byte',
    partBytes: 48,
    der: hex('3063', '022e', '33'.repeat(46), '0231', '00', 'c4'.repeat(48)),
    jose: hex('0000', '33'.repeat(46), 'c4'.repeat(48)),
  },
  {
    name: 'P-521: a long-form SEQUENCE length (0x81), S with a sign byte',
    partBytes: 66,
    der: hex('308188', '0242', '01', 'ff'.repeat(65), '0242', '00', 'ff'.repeat(65)),
    jose: hex('01', 'ff'.repeat(65), '00', 'ff'.repeat(65)),
  },
];

describe('ECDSA signatures: DER and JWS R || S', () => {
  for (const row of TABLE) {
    it(`${row.name}: DER → R || S and back`, () => {
      assert.equal(ecdsaDerToJose(row.der, row.partBytes).toString('hex'), row.jose.toString('hex'));
      assert.equal(ecdsaJoseToDer(row.jose).toString('hex'), row.der.toString('hex'));
    });
  }

  it('agrees with node:crypto ieee-p1363 both ways on every curve', () => {
    // P-256 300 times: about one signature in 128 has an R or S shorter than 32 bytes. The larger
    // curves sign slower, and the table above covers their layouts.
    const curves = [
      { curve: 'P-256', digest: 'sha256', partBytes: ECDSA_PART_BYTES.ES256, count: 300 },
      { curve: 'P-384', digest: 'sha384', partBytes: ECDSA_PART_BYTES.ES384, count: 40 },
      { curve: 'P-521', digest: 'sha512', partBytes: ECDSA_PART_BYTES.ES512, count: 20 },
    ];
    for (const { curve, digest, partBytes, count } of curves) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
      for (let i = 0; i < count; i++) {
        const data = Buffer.from(`signing input ${i}`);
        const der = sign(digest, data, privateKey);
        const jose = ecdsaDerToJose(der, partBytes);
        assert.equal(jose.length, 2 * partBytes);
        assert.ok(verify(digest, data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, jose), `${curve} #${i}: ours → p1363`);
        const p1363 = sign(digest, data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
        assert.ok(verify(digest, data, publicKey, ecdsaJoseToDer(p1363)), `${curve} #${i}: p1363 → ours`);
        assert.deepEqual(ecdsaJoseToDer(jose), der, `${curve} #${i}: round trip`);
      }
    }
  });

  it('refuses DER that is not two positive INTEGERs in a SEQUENCE that fit', () => {
    const bad: [string, Buffer, RegExp][] = [
      ['not a SEQUENCE', hex('3106020101020101'), /does not start with a SEQUENCE/],
      ['SEQUENCE longer than the bytes', hex('3007020101020101'), /length does not match/],
      ['a third INTEGER', hex('3009020101020101020101'), /bytes after the second INTEGER/],
      ['a BIT STRING for S', hex('3006020101030101'), /expected an INTEGER/],
      ['a negative R', hex('3006020181020101'), /negative INTEGER/],
      ['an empty R', hex('3005', '0200', '020101'), /INTEGER is empty or runs past/],
      ['R of 33 significant bytes for P-256', hex('3026', '0221', '01', '00'.repeat(32), '020101'), /does not fit in 32/],
    ];
    for (const [name, der, message] of bad) assert.throws(() => ecdsaDerToJose(der, 32), { name: 'TypeError', message }, name);
  });

  it('refuses an R || S of odd or zero length', () => {
    assert.throws(() => ecdsaJoseToDer(Buffer.alloc(63)), /even, non-zero length \(got 63\)/);
    assert.throws(() => ecdsaJoseToDer(Buffer.alloc(0)), /got 0/);
  });
});
