/**
 * The device registry file: what `keys export` writes and `broker --registry` reads, and what a
 * platform takes when devices are registered in bulk. Two forms:
 *   JSON  {"devices":[{"deviceId","alg","kid","publicKey"}]}
 *   CSV   header `deviceId,alg,kid,publicKey`, quoted as RFC 4180 says (the PEM keeps its
 *         newlines inside quotes).
 * `publicKey` is an SPKI PEM or an X.509 certificate PEM. The reader never takes a kid on trust:
 * it recomputes every one from the key and refuses a record whose kid differs.
 */
import { ConfigError, errorMessage } from '../errors.js';
import { isAlgorithm, type Algorithm } from './algorithms.js';
import { parseCsv, formatCsvRow } from './csv.js';
import { assertKeyFitsAlgorithm, fingerprint, parsePublicKey } from './keys.js';

/** A device as it is registered. */
export interface DeviceRecord {
  deviceId: string;
  alg: Algorithm;
  /** SPKI PEM or X.509 certificate PEM. */
  publicKey: string;
  /** The SHA-256 fingerprint of the key's SPKI; absent, it is computed. */
  kid?: string;
  /** This device's `aud` template, where it differs from the broker's. */
  audience?: string;
}

export type RegistryFormat = 'json' | 'csv';

const CSV_HEADER = ['deviceId', 'alg', 'kid', 'publicKey'] as const;

/** Writes records in the registry format; the kid is computed where a record has none. */
export function formatRegistry(records: Iterable<DeviceRecord>, format: RegistryFormat): string {
  const rows = [...records].map((r) => ({
    deviceId: r.deviceId,
    alg: r.alg,
    kid: r.kid ?? fingerprint(parsePublicKey(r.publicKey, `device ${r.deviceId}`)),
    publicKey: r.publicKey,
  }));
  if (format === 'json') return `${JSON.stringify({ devices: rows }, null, 2)}\n`;
  return [formatCsvRow([...CSV_HEADER]), ...rows.map((r) => formatCsvRow([r.deviceId, r.alg, r.kid, r.publicKey]))].join('\r\n') + '\r\n';
}

/** Located records before their keys are checked: `line` is where the record starts. */
interface RawRecord {
  line: number;
  fields: Record<string, unknown>;
}

/**
 * Reads a registry file (JSON when it starts with `{`, CSV otherwise). Every problem is a
 * ConfigError naming the file, the line and what was expected; the first one stops the read.
 */
export function parseRegistryFile(input: string, file: string): DeviceRecord[] {
  // Spreadsheet programs start their CSV with a byte order mark.
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const raws = text.trimStart().startsWith('{') ? rawFromJson(text, file) : rawFromCsv(text, file);
  const seen = new Set<string>();
  return raws.map((raw) => {
    const record = checkRecord(raw, file);
    if (seen.has(record.deviceId)) throw new ConfigError(`${file}:${raw.line} device ${record.deviceId} is listed twice`);
    seen.add(record.deviceId);
    return record;
  });
}

function checkRecord({ line, fields }: RawRecord, file: string): DeviceRecord {
  const where = `${file}:${line}`;
  const { deviceId, alg, kid, publicKey } = fields;
  if (typeof deviceId !== 'string' || deviceId.length === 0) throw new ConfigError(`${where} deviceId must be a non-empty string`);
  if (!isAlgorithm(alg))
    throw new ConfigError(`${where} alg must be one of RS256, ES256, RS384, RS512, PS256, ES384, ES512, EdDSA (got ${JSON.stringify(alg)})`);
  if (typeof publicKey !== 'string') throw new ConfigError(`${where} publicKey must be an SPKI or X.509 certificate PEM`);
  let computed: string;
  try {
    const key = parsePublicKey(publicKey, `device ${deviceId}`);
    assertKeyFitsAlgorithm(key, alg, `device ${deviceId}`);
    computed = fingerprint(key);
  } catch (error) {
    throw new ConfigError(`${where} ${errorMessage(error)}`, { cause: error });
  }
  if (kid !== undefined && kid !== '' && kid !== computed) {
    throw new ConfigError(`${where} kid of device ${deviceId} is not the SHA-256 of its public key (expected ${computed}, got ${JSON.stringify(kid)})`);
  }
  return { deviceId, alg, kid: computed, publicKey };
}

function rawFromJson(text: string, file: string): RawRecord[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON: ${errorMessage(error)}`);
  }
  const devices = (data as { devices?: unknown } | null)?.devices;
  if (!Array.isArray(devices)) throw new ConfigError(`${file} must hold {"devices":[...]}`);
  const lines = deviceLines(text, devices.length);
  return devices.map((fields: unknown, i) => {
    if (typeof fields !== 'object' || fields === null) throw new ConfigError(`${file}:${lines[i] ?? 1} devices.${i} must be an object`);
    return { line: lines[i] ?? 1, fields: fields as Record<string, unknown> };
  });
}

/** The line of each `"deviceId"` key, in order: good enough to point a user at a record. */
function deviceLines(text: string, count: number): number[] {
  const lines: number[] = [];
  const pattern = /"deviceId"\s*:/g;
  for (let match = pattern.exec(text); match !== null && lines.length < count; match = pattern.exec(text)) {
    lines.push(text.slice(0, match.index).split('\n').length);
  }
  return lines;
}

function rawFromCsv(text: string, file: string): RawRecord[] {
  const rows = parseCsv(text, file);
  const header = rows.shift();
  if (header === undefined || CSV_HEADER.some((name, i) => header.cells[i] !== name)) {
    throw new ConfigError(`${file}:1 the header must be ${CSV_HEADER.join(',')}`);
  }
  return rows.map((row) => {
    if (row.cells.length !== CSV_HEADER.length) throw new ConfigError(`${file}:${row.line} expected ${CSV_HEADER.length} fields, got ${row.cells.length}`);
    const fields: Record<string, unknown> = {};
    CSV_HEADER.forEach((name, i) => (fields[name] = row.cells[i]));
    return { line: row.line, fields };
  });
}
