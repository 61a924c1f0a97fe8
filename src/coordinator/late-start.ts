/**
 * `--max-late`: a shard ready after `--start-at` plus this much does not run at all. Its slice
 * would start out of step with the others, and a merged report would mix a late slice into the
 * whole; the shard's report says so (`failed`, `planShare.notRun`, exit 5), and so does `merge`.
 */
export function lateStartReason(options: { startAtMs?: number; maxLateMs?: number }, readyMs: number): string | undefined {
  const { startAtMs, maxLateMs } = options;
  if (startAtMs === undefined || maxLateMs === undefined) return undefined;
  const lateMs = readyMs - startAtMs;
  if (lateMs <= maxLateMs) return undefined;
  return `ready ${lateMs} ms after --start-at ${new Date(startAtMs).toISOString()}, over --max-late ${maxLateMs} ms: this shard did not run`;
}
