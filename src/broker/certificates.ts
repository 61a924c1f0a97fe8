/**
 * A local CA and a server certificate for localhost, 127.0.0.1 and ::1, made once and kept in a
 * git-ignored folder (keys 0600), so TLS works with no setup and verification left on.
 *
 * node:crypto cannot issue X.509 certificates, so @peculiar/x509 (pure TypeScript over WebCrypto,
 * maintained by PeculiarVentures, who also write pkijs) builds them; it needs a Reflect metadata
 * polyfill, loaded here only, when certificates are actually made. P-256 keys: quick to make,
 * and every TLS 1.2/1.3 client speaks ECDSA.
 */
import { createPrivateKey, X509Certificate, webcrypto, type KeyObject } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, errorCode } from '../errors.js';

export const DEFAULT_CERT_DIR = '.certs';

export interface LocalCertificates {
  caPath: string;
  caPem: string;
  certPem: string;
  keyPem: string;
}

const FILES = { ca: 'ca.pem', caKey: 'ca-key.pem', cert: 'server.pem', key: 'server-key.pem' } as const;
const DAY_MS = 86_400_000;

/** Reads the local CA and server certificate from `dir`, making them first if absent or stale. */
export async function ensureLocalCertificates(dir = DEFAULT_CERT_DIR, nowMs = Date.now()): Promise<LocalCertificates> {
  const existing = await readExisting(dir, nowMs);
  if (existing !== undefined) return existing;
  const made = await makeCertificates(nowMs);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeSecret(join(dir, FILES.caKey), made.caKeyPem);
  await writeSecret(join(dir, FILES.key), made.keyPem);
  await writeFile(join(dir, FILES.cert), made.certPem);
  // The CA goes last: its presence says the set is complete.
  await writeFile(join(dir, FILES.ca), made.caPem);
  return { caPath: join(dir, FILES.ca), caPem: made.caPem, certPem: made.certPem, keyPem: made.keyPem };
}

/** The set in `dir` if complete and fresh; undefined when a file is missing or the set is stale. */
async function readExisting(dir: string, nowMs: number): Promise<LocalCertificates | undefined> {
  const [caPem, certPem, keyPem] = await Promise.all([readPem(dir, FILES.ca), readPem(dir, FILES.cert), readPem(dir, FILES.key)]);
  if (caPem === undefined || certPem === undefined || keyPem === undefined) return undefined;
  try {
    const cert = new X509Certificate(certPem);
    // Remake a day before expiry, or when the files no longer belong together.
    const fresh = Date.parse(cert.validTo) - DAY_MS > nowMs && cert.checkIssued(new X509Certificate(caPem)) && cert.checkPrivateKey(createPrivateKey(keyPem));
    return fresh ? { caPath: join(dir, FILES.ca), caPem, certPem, keyPem } : undefined;
  } catch {
    // Not PEM we can parse (a write cut short): made again, like a stale set.
    return undefined;
  }
}

/**
 * One file of the set; undefined only when it does not exist. Any other failure (permissions, a
 * folder in its place) is the user's to fix: making new certificates over it would hide it.
 */
async function readPem(dir: string, file: string): Promise<string | undefined> {
  const path = join(dir, file);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return undefined;
    throw new ConfigError(`${path}: cannot read the local TLS certificates (${code ?? String(error)})`, {
      hint: `Fix its permissions, or remove ${dir} to have new certificates made.`,
      cause: error,
    });
  }
}

async function writeSecret(path: string, pem: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, pem, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, path);
}

type X509 = typeof import('@peculiar/x509');
const ALG: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

async function makeCertificates(nowMs: number): Promise<{ caPem: string; caKeyPem: string; certPem: string; keyPem: string }> {
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const ca = await makeCa(x509, nowMs);
  const server = await makeServerCertificate(x509, ca, nowMs);
  return {
    caPem: ca.cert.toString('pem'),
    caKeyPem: await pkcs8Pem(ca.keys.privateKey),
    certPem: server.cert.toString('pem'),
    keyPem: await pkcs8Pem(server.keys.privateKey),
  };
}

interface Issued {
  cert: InstanceType<X509['X509Certificate']>;
  keys: CryptoKeyPair;
}

async function makeCa(x509: X509, nowMs: number): Promise<Issued> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=mqtt-jwt-bench local CA',
    notBefore: new Date(nowMs - 60_000),
    notAfter: new Date(nowMs + 3650 * DAY_MS),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      // RFC 5280 §4.2.1.9 and §4.2.1.3: a CA that signs only end-entity certificates.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys };
}

async function makeServerCertificate(x509: X509, ca: Issued, nowMs: number): Promise<Issued> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'CN=localhost',
    issuer: ca.cert.subject,
    notBefore: new Date(nowMs - 60_000),
    // 397 days: the longest validity clients accept for a server certificate (CA/B Forum).
    notAfter: new Date(nowMs + 397 * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      // RFC 6125 §6.4: clients match host names and IP addresses against the SAN, not the CN.
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  return { cert, keys };
}

async function pkcs8Pem(key: CryptoKey): Promise<string> {
  const keyObject: KeyObject = createPrivateKey({ key: Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key)), format: 'der', type: 'pkcs8' });
  return keyObject.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** RFC 5280 §4.1.2.2: a positive serial of up to 20 octets; 16 random bytes, top bit clear. */
function serial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}
