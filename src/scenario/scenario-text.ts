/**
 * The bytes of a scenario file as text, or a ConfigError that says the file is not text at all.
 * YAML accepts almost any string as a plain scalar, so a binary file (an image, an archive, a key
 * in DER) would otherwise be reported as "expected object, received string" with a screen of
 * mojibake; YAML 1.2 §5.2 wants Unicode text, and a NUL byte never appears in a scenario.
 */
import { ConfigError } from '../errors.js';

export function scenarioText(bytes: Buffer, file: string): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new ConfigError(`${file}: not a text file (not UTF-8), expected a scenario in YAML or JSON`, { cause: error });
  }
  if (text.includes('\0')) throw new ConfigError(`${file}: not a text file (contains NUL bytes), expected a scenario in YAML or JSON`);
  return text;
}
