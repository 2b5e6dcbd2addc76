/** Polls several sources, one after another, so one bad source never stops the others. */
import type { SourceConfig } from '../config/load.js';
import { describeError } from '../domain/errors.js';
import { refreshSource, type RefreshDeps, type RefreshResult } from './refresh.js';

/** Polls each source once; an unexpected error in one source is logged and reported as failed. */
export async function pollSources(deps: RefreshDeps, sources: SourceConfig[]): Promise<RefreshResult[]> {
  const results: RefreshResult[] = [];
  for (const source of sources) {
    try {
      results.push(await refreshSource(deps, source));
    } catch (err) {
      deps.logger.error({ sourceId: source.id, err: describeError(err) }, 'poll crashed');
      results.push({
        sourceId: source.id,
        runId: -1,
        outcome: 'failed',
        items: null,
        changes: 0,
        baseline: false,
        error: describeError(err),
      });
    }
  }
  return results;
}
