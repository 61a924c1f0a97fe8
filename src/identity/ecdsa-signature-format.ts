/**
 * ECDSA signatures in the two shapes that meet here: DER, which OpenSSL produces and consumes
 * (`SEQUENCE { INTEGER r, INTEGER s }`, RFC 3279 §2.2.3), and the JWS shape, R || S with each
 * integer big-endian and left-padded to the curve's size (RFC 7518 §3.4).
 *
 * Why convert ourselves: node:crypto converts when asked (`dsaEncoding: 'ieee-p1363'`), but on
 * Node 24 that option costs more than half the ES256 signing rate and about a third of the
 * verify rate (docs/rsa-vs-ec.md has the figures), while signing and verifying with the bare
 * KeyObject in DER do not. These two functions are the whole of that conversion.
 */

const SEQUENCE = 0x30;
const INTEGER = 0x02;

/** Bytes of R (and of S) in a JWS signature, per curve: P-256, P-384, P-521 (RFC 7518 §3.4). */
export const ECDSA_PART_BYTES = { ES256: 32, ES384: 48, ES512: 66 } as const;

/** DER `SEQUENCE { INTEGER r, INTEGER s }` → R || S, each `partBytes` long. */
export function ecdsaDerToJose(der: Uint8Array, partBytes: number): Buffer {
  if (der[0] !== SEQUENCE) throw new TypeError('ECDSA signature: DER does not start with a SEQUENCE');
  const body = readLength(der, 1);
  if (body.end !== der.length) throw new TypeError('ECDSA signature: DER SEQUENCE length does not match the signature');
  const r = readInteger(der, body.start);
  const s = readInteger(der, r.end);
  if (s.end !== der.length) throw new TypeError('ECDSA signature: bytes after the second INTEGER');
  const out = Buffer.alloc(partBytes * 2);
  writePart(out, 0, partBytes, der.subarray(r.start, r.end));
  writePart(out, partBytes, partBytes, der.subarray(s.start, s.end));
  return out;
}

/** R || S (any even length) → DER `SEQUENCE { INTEGER r, INTEGER s }`, minimal encoding (X.690 §8.3.2). */
export function ecdsaJoseToDer(raw: Uint8Array): Buffer {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new TypeError(`ECDSA signature: R || S must have an even, non-zero length (got ${raw.length})`);
  const half = raw.length / 2;
  const r = integerContent(raw.subarray(0, half));
  const s = integerContent(raw.subarray(half));
  const bodyLength = 2 + r.length + 2 + s.length;
  const lengthBytes = bodyLength < 0x80 ? [bodyLength] : [0x81, bodyLength];
  return Buffer.concat([Uint8Array.of(SEQUENCE, ...lengthBytes, INTEGER, r.length), r, Uint8Array.of(INTEGER, s.length), s]);
}

interface Span {
  start: number;
  end: number;
}

/** A DER length at `at`: short form, or long form with one byte (0x81), enough for P-521. */
function readLength(der: Uint8Array, at: number): Span {
  const first = der[at];
  if (first === undefined) throw new TypeError('ECDSA signature: DER ends inside a length');
  if (first < 0x80) return { start: at + 1, end: at + 1 + first };
  const second = der[at + 1];
  if (first !== 0x81 || second === undefined || second < 0x80) throw new TypeError('ECDSA signature: unsupported DER length');
  return { start: at + 2, end: at + 2 + second };
}

/** The content of a positive INTEGER at `at`, without its sign byte. */
function readInteger(der: Uint8Array, at: number): Span {
  if (der[at] !== INTEGER) throw new TypeError('ECDSA signature: expected an INTEGER in the DER');
  const span = readLength(der, at + 1);
  if (span.end > der.length || span.end === span.start) throw new TypeError('ECDSA signature: an INTEGER is empty or runs past the DER');
  if ((der[span.start] ?? 0) & 0x80) throw new TypeError('ECDSA signature: negative INTEGER in the DER');
  let start = span.start;
  while (start < span.end - 1 && der[start] === 0) start++;
  return { start, end: span.end };
}

function writePart(out: Buffer, offset: number, partBytes: number, value: Uint8Array): void {
  const significant = value.length === 1 && value[0] === 0 ? value.subarray(1) : value;
  if (significant.length > partBytes) throw new TypeError(`ECDSA signature: an integer of ${significant.length} bytes does not fit in ${partBytes}`);
  out.set(significant, offset + partBytes - significant.length);
}

/** Minimal DER INTEGER content of an unsigned big-endian number: leading zeros off, a zero byte on when the top bit is set. */
function integerContent(unsigned: Uint8Array): Uint8Array {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
  const trimmed = unsigned.subarray(start);
  return (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Uint8Array.of(0), trimmed]) : trimmed;
}
