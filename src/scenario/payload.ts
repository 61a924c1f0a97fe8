/**
 * Payloads: a text template, a JSON template, or a fixed byte size. Compiled once per group into
 * parts, so a worker renders a message by joining strings, never by parsing the template again.
 * Pure: randomness comes in as a function, so rendering is tested with a fixed sequence.
 *
 * Placeholders: {deviceId}, {group}, {seq}, {timestamp} (epoch ms at send), {seq:05} pads,
 * {random:18..25} (integers, both ends included), {random:18.0..25.5} (as many decimals as the
 * bounds show), {choice:ok|warn|alarm} (one option, uniformly).
 */
export type PayloadPlan = { kind: 'template'; template: string; json: boolean } | { kind: 'size'; bytes: number };

/** The values a message supplies; random parts draw from `random` (0 ≤ x < 1). */
export interface PayloadValues {
  deviceId: string;
  group: string;
  seq: number;
  timestampMs: number;
  random: () => number;
}

export const PAYLOAD_VALUE_NAMES = ['deviceId', 'group', 'seq', 'timestamp'] as const;
type ValueName = (typeof PAYLOAD_VALUE_NAMES)[number];
const NUMERIC_VALUES: readonly string[] = ['seq', 'timestamp'];

type Part =
  | { kind: 'text'; text: string }
  | { kind: 'value'; name: ValueName; width: number; escape: boolean }
  | { kind: 'random'; min: number; max: number; decimals: number }
  | { kind: 'choice'; options: string[]; escape: boolean };

export type CompiledPayload = (values: PayloadValues) => string;

const PLACEHOLDER = /\{([A-Za-z]+)(?::([^{}]*))?\}/g;
/** Marks a JSON string value that is one numeric placeholder, to be written unquoted. */
const RAW_MARK = '\u0000raw:';

/** Checks a template; returns every problem (unknown names, bad ranges, empty choices). */
export function payloadTemplateProblems(template: string): string[] {
  const problems: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const problem = partOf(match[1] ?? '', match[2], false);
    if (typeof problem === 'string') problems.push(`${match[0]}: ${problem}`);
  }
  return problems;
}

/**
 * A JSON template (an object from the scenario) as a text template. A string value that is one
 * numeric placeholder ({seq}, {timestamp}, {random:…}, or a {choice:…} of numbers) becomes a
 * JSON number; every other string stays a string, its substituted values JSON-escaped.
 */
export function jsonTemplateText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' && isNumericPlaceholder(v) ? RAW_MARK + v : v)).replace(
    new RegExp(`"${RAW_MARK.replace('\u0000', '\\\\u0000')}([^"]*)"`, 'g'),
    '$1',
  );
}

function isNumericPlaceholder(text: string): boolean {
  const m = /^\{([A-Za-z]+)(?::([^{}]*))?\}$/.exec(text);
  if (m === null) return false;
  const part = partOf(m[1] ?? '', m[2], false);
  if (typeof part === 'string') return false;
  if (part.kind === 'random') return true;
  if (part.kind === 'value') return NUMERIC_VALUES.includes(part.name);
  return part.kind === 'choice' && part.options.every((o) => /^-?\d+(\.\d+)?$/.test(o));
}

export function compilePayload(plan: PayloadPlan): CompiledPayload {
  if (plan.kind === 'size') return (values) => sizedPayload(plan.bytes, values);
  const parts = compileParts(plan.template, plan.json);
  return (values) => {
    let out = '';
    for (const part of parts) out += renderPart(part, values);
    return out;
  };
}

/**
 * A payload of exactly `bytes` bytes. Where it fits, a JSON object with the send time and
 * sequence number padded with "x" (`{"ts":…,"seq":…,"pad":"xxx"}`), so a subscriber can still
 * measure latency; below that, `bytes` times "x".
 */
export function sizedPayload(bytes: number, values: Pick<PayloadValues, 'seq' | 'timestampMs'>): string {
  const head = `{"ts":${Math.round(values.timestampMs)},"seq":${values.seq},"pad":"`;
  const room = bytes - head.length - 2;
  return room < 0 ? 'x'.repeat(bytes) : `${head}${'x'.repeat(room)}"}`;
}

function compileParts(template: string, json: boolean): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const index = match.index;
    // Inside a JSON template, a placeholder is within a string unless it was written raw.
    const inString = json && !isRawPosition(template, index);
    const part = partOf(match[1] ?? '', match[2], inString);
    if (typeof part === 'string') throw new Error(`payload ${match[0]}: ${part}`);
    if (index > last) parts.push({ kind: 'text', text: template.slice(last, index) });
    parts.push(part);
    last = index + match[0].length;
  }
  if (last < template.length) parts.push({ kind: 'text', text: template.slice(last) });
  return parts;
}

/** In JSON text, a position is outside every string when an even number of unescaped quotes precede it. */
function isRawPosition(text: string, index: number): boolean {
  let quotes = 0;
  for (let i = 0; i < index; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') quotes++;
  }
  return quotes % 2 === 0;
}

function partOf(name: string, argument: string | undefined, escape: boolean): Part | string {
  if (name === 'random') return randomPart(argument);
  if (name === 'choice') {
    const options = (argument ?? '').split('|');
    return argument === undefined || options.some((o) => o === '') ? 'expected {choice:a|b|c} with no empty option' : { kind: 'choice', options, escape };
  }
  if (!PAYLOAD_VALUE_NAMES.some((n) => n === name)) {
    return `unknown placeholder; expected one of ${[...PAYLOAD_VALUE_NAMES, 'random', 'choice'].map((n) => `{${n}}`).join(', ')}`;
  }
  if (argument !== undefined && !/^0\d+$/.test(argument)) return `expected {${name}} or {${name}:05} (zero-padded)`;
  return { kind: 'value', name: name as ValueName, width: argument === undefined ? 0 : Number(argument), escape };
}

function randomPart(argument: string | undefined): Part | string {
  const m = /^(-?\d+(?:\.(\d+))?)\.\.(-?\d+(?:\.(\d+))?)$/.exec(argument ?? '');
  if (m === null) return 'expected {random:MIN..MAX}, like {random:18..25} or {random:18.0..25.5}';
  const min = Number(m[1]);
  const max = Number(m[3]);
  if (min > max) return `MIN ${m[1] ?? ''} is greater than MAX ${m[3] ?? ''}`;
  return { kind: 'random', min, max, decimals: Math.max(m[2]?.length ?? 0, m[4]?.length ?? 0) };
}

function renderPart(part: Part, values: PayloadValues): string {
  switch (part.kind) {
    case 'text':
      return part.text;
    case 'value': {
      const raw = part.name === 'timestamp' ? String(Math.round(values.timestampMs)) : String(values[part.name]);
      const text = part.width > 0 ? raw.padStart(part.width, '0') : raw;
      return part.escape ? escapeJson(text) : text;
    }
    case 'random':
      return part.decimals === 0
        ? String(part.min + Math.floor(values.random() * (part.max - part.min + 1)))
        : (part.min + values.random() * (part.max - part.min)).toFixed(part.decimals);
    case 'choice': {
      const option = part.options[Math.floor(values.random() * part.options.length)] ?? '';
      return part.escape ? escapeJson(option) : option;
    }
  }
}

function escapeJson(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}
