/** SQL for poll_runs: one row per poll of one source. */
import type { Db } from './db.js';

export type PollOutcome = 'changed' | 'unchanged' | 'not-modified' | 'failed';

export function startRun(db: Db, sourceId: string, at: string): number {
  return Number(db.prepare('INSERT INTO poll_runs (source_id, started_at) VALUES (?, ?)').run(sourceId, at).lastInsertRowid);
}

export function finishRun(
  db: Db,
  id: number,
  r: { at: string; outcome: PollOutcome; httpStatus?: number | null; items?: number | null; changes?: number; error?: string | null },
): void {
  db.prepare(
    `UPDATE poll_runs SET finished_at = @at, outcome = @outcome, http_status = @httpStatus, items = @items,
       changes = @changes, error = @error WHERE id = @id`,
  ).run({
    id,
    at: r.at,
    outcome: r.outcome,
    httpStatus: r.httpStatus ?? null,
    items: r.items ?? null,
    changes: r.changes ?? 0,
    error: r.error ?? null,
  });
}

/**
 * Closes this source's runs that started before `before` and never finished (the process
 * died mid-poll) as failed with error "interrupted"; returns how many there were.
 */
export function closeInterruptedRuns(db: Db, sourceId: string, before: string, at: string): number {
  return db
    .prepare(
      `UPDATE poll_runs SET finished_at = ?, outcome = 'failed', error = 'interrupted'
       WHERE source_id = ? AND finished_at IS NULL AND started_at < ?`,
    )
    .run(at, sourceId, before).changes;
}
