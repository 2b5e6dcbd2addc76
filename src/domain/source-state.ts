/** Where a source stands: its last polls, what they found, and whether it is healthy. */

export interface SourceState {
  id: string;
  adapter: string;
  url: string;
  etag: string | null;
  lastModified: string | null;
  /** Set by the first healthy poll: what it found was a silent baseline. */
  baselineAt: string | null;
  lastPollAt: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastError: string | null;
  consecutiveFailures: number;
  itemsFound: number | null;
  unknownServices: string[];
  warnings: string[];
}

/** How many polling intervals may pass since the last success before a source counts as unhealthy. */
export const HEALTHY_INTERVALS = 3;

/**
 * A source is healthy when it has been read at least once, its last poll did not fail,
 * and, given `at` (the source's interval and now), its last success is no older than
 * three intervals: a poll that died before it could record anything still shows.
 */
export function isSourceHealthy(
  s: Pick<SourceState, 'lastSuccessAt' | 'consecutiveFailures'>,
  at: { intervalMs: number; now: Date },
): boolean {
  if (s.lastSuccessAt === null || s.consecutiveFailures !== 0) return false;
  const age = at.now.getTime() - Date.parse(s.lastSuccessAt);
  return Number.isFinite(age) && age <= HEALTHY_INTERVALS * at.intervalMs;
}
