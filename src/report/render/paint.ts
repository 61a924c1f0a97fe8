/**
 * Colour for text renderings, as a value passed in: the CLI decides whether the terminal wants it
 * (cli/colour.ts: NO_COLOR, FORCE_COLOR, a TTY), renderers only call it. ANSI SGR codes.
 */
export interface Paint {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  grey(text: string): string;
  bold(text: string): string;
}

const sgr =
  (open: number, close: number) =>
  (text: string): string =>
    text === '' ? text : `\x1b[${open}m${text}\x1b[${close}m`;

export const ANSI_PAINT: Paint = { red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), grey: sgr(90, 39), bold: sgr(1, 22) };

const same = (text: string): string => text;
export const NO_PAINT: Paint = { red: same, green: same, yellow: same, grey: same, bold: same };

export function paintFor(colour: boolean): Paint {
  return colour ? ANSI_PAINT : NO_PAINT;
}
