/**
 * Reads the PEM files a scenario's `tls` names, once, on the coordinator; workers receive only
 * the contents (through BrokerTarget) and never read the scenario's files themselves.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError, errorCode, errorMessage } from '../errors.js';
import type { TlsPlan } from '../scenario/tls-plan.js';
import type { TlsTarget } from '../worker/messages.js';

export async function readTlsTarget(tls: TlsPlan | null): Promise<TlsTarget | undefined> {
  if (tls === null) return undefined;
  const [ca, cert, key] = await Promise.all([
    readPem(tls.caFile, 'tls.ca', 'CERTIFICATE'),
    readPem(tls.certFile, 'tls.cert', 'CERTIFICATE'),
    readPem(tls.keyFile, 'tls.key', 'PRIVATE KEY'),
  ]);
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(tls.servername === null ? {} : { servername: tls.servername }),
    minVersion: tls.minVersion,
    rejectUnauthorized: tls.rejectUnauthorized,
  };
}

/** The file's text, checked to hold a PEM block of the expected kind (any `… PRIVATE KEY` for keys). */
async function readPem(file: string | null, field: string, kind: 'CERTIFICATE' | 'PRIVATE KEY'): Promise<string | undefined> {
  if (file === null) return undefined;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${field}: cannot read ${file}: ${errorCode(error) ?? errorMessage(error)}`, { cause: error });
  }
  const pattern = kind === 'CERTIFICATE' ? /-----BEGIN CERTIFICATE-----/ : /-----BEGIN (?:[A-Z]+ )?(?:ENCRYPTED )?PRIVATE KEY-----/;
  if (!pattern.test(text))
    throw new ConfigError(`${field}: ${file} holds no PEM ${kind === 'CERTIFICATE' ? 'certificate' : 'private key'} (expected -----BEGIN ${kind}-----)`);
  return text;
}
