/** SQL for poll_runs: one row per poll of one source. */
import type { Db } from './db.js';

export type PollOutcome = 'changed' | 'unchanged' | 'not-modified' | 'failed';

export interface PollRunRow {
  id: number;
  sourceId: string;
  startedAt: string;
  finishedAt: string | null;
  outcome: PollOutcome | null;
  httpStatus: number | null;
  items: number | null;
  changes: number;
  error: string | null;
}

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
  ).run({ id, at: r.at, outcome: r.outcome, httpStatus: r.httpStatus ?? null, items: r.items ?? null, changes: r.changes ?? 0, error: r.error ?? null });
}

export function listRuns(db: Db, opts: { sourceId?: string; limit?: number } = {}): PollRunRow[] {
  return db
    .prepare(
      `SELECT id, source_id AS sourceId, started_at AS startedAt, finished_at AS finishedAt, outcome,
         http_status AS httpStatus, items, changes, error FROM poll_runs
       WHERE (@sourceId IS NULL OR source_id = @sourceId) ORDER BY id DESC LIMIT @limit`,
    )
    .all({ sourceId: opts.sourceId ?? null, limit: opts.limit ?? 100 }) as PollRunRow[];
}
