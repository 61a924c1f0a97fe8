/**
 * Whether to colour a stream (https://no-color.org, and FORCE_COLOR as Node and chalk read it):
 * NO_COLOR set and not empty: never; FORCE_COLOR set: yes, unless 0 or false; otherwise only on
 * a terminal that is not TERM=dumb.
 */
import { paintFor, type Paint } from '../report/render/paint.js';

export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if ((env['NO_COLOR'] ?? '') !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase());
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}

export function paintOf(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Paint {
  return paintFor(colourWanted(stream, env));
}
