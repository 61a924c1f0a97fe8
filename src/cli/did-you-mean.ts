/**
 * A did-you-mean for yargs' strict errors ("Unknown argument: devics", "Unknown arguments: a, b"),
 * as the scenario validator gives for fields: an unknown word first is read as a command, a
 * flag against the command's own flags.
 */
import { nearestName } from '../scenario/did-you-mean.js';

export function unknownArgumentHint(message: string, commands: readonly string[], flags: readonly string[]): string {
  const m = /^Unknown arguments?: (.+)$/.exec(message);
  if (m === null) return '';
  const kebab = flags.map((f) => f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
  const suggestions = (m[1] ?? '').split(', ').flatMap((word) => {
    const bare = word.replace(/^-+/, '');
    const near = nearestName(bare, commands);
    if (near !== undefined) return [`"${word}": did you mean the command ${near}?`];
    const flag = nearestName(
      bare,
      [...new Set([...flags, ...kebab])].filter((f) => f.length > 1),
    );
    return flag === undefined ? [] : [`"${word}": did you mean --${flag}?`];
  });
  return suggestions.length === 0 ? '' : `; ${suggestions.join('; ')}`;
}
