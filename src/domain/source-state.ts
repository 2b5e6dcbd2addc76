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

/** A source is healthy when it has been read at least once and its last poll did not fail. */
export function isSourceHealthy(s: Pick<SourceState, 'lastSuccessAt' | 'consecutiveFailures'>): boolean {
  return s.lastSuccessAt !== null && s.consecutiveFailures === 0;
}
