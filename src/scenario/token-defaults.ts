/**
 * `token.refreshBefore` when the user did not write it: a minute, or a quarter of the lifetime
 * when that is shorter, so `lifetime: 1s` is valid as written (issue 24, item 6). Only a
 * refreshBefore the user wrote can clash with their lifetime, and the error names their fields.
 */
export function defaultRefreshBeforeMs(lifetimeMs: number): number {
  return Math.min(60_000, lifetimeMs / 4);
}
