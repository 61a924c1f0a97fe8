/**
 * A command's arguments, read off its yargs builder: each command's flags are defined once (the
 * builder), so the handler's type cannot drift from what yargs parses. yargs 18 ships no types
 * for its main entry; these are @types/yargs 17's, whose API 18 keeps.
 */
import type { ArgumentsCamelCase, Argv } from 'yargs';

/** The flags as the builder declares them (`report-dir`). */
export type FlagsOf<Builder> = Builder extends (y: Argv) => Argv<infer Flags> ? Flags : never;

/** What the handler gets: each flag by its name and camel-cased (`reportDir`), as yargs delivers them. */
export type ArgsOf<Builder> = ArgumentsCamelCase<FlagsOf<Builder>>;
