/** SQL for changes: the append-only history of every event. */
import type { Change, NewChange } from '../domain/event.js';
import type { Db } from './db.js';

const SELECT = `SELECT id, event_id AS eventId, run_id AS runId, type, fields, before, after, at, baseline FROM changes`;

/** A changes row as a Change. */
export function changeFromRow(row: Record<string, unknown>): Change {
  return {
    ...(row as unknown as Change),
    fields: JSON.parse(row.fields as string) as string[],
    before: row.before ? (JSON.parse(row.before as string) as Record<string, unknown>) : null,
    after: row.after ? (JSON.parse(row.after as string) as Record<string, unknown>) : null,
    baseline: row.baseline === 1,
  };
}

export function insertChange(db: Db, c: NewChange): number {
  return Number(
    db
      .prepare(
        `INSERT INTO changes (event_id, run_id, type, fields, before, after, at, baseline)
         VALUES (@eventId, @runId, @type, @fields, @before, @after, @at, @baseline)`,
      )
      .run({
        ...c,
        fields: JSON.stringify(c.fields),
        before: c.before ? JSON.stringify(c.before) : null,
        after: c.after ? JSON.stringify(c.after) : null,
        baseline: c.baseline ? 1 : 0,
      }).lastInsertRowid,
  );
}

/** Changes in id order, optionally at or after an instant (`at` is stored as UTC ISO, so strings compare as times). */
export function listChanges(db: Db, opts: { since?: Date; sinceId?: number; eventId?: number; runId?: number } = {}): Change[] {
  return (
    db
      .prepare(
        `${SELECT} WHERE (@eventId IS NULL OR event_id = @eventId) AND (@runId IS NULL OR run_id = @runId)
           AND (@since IS NULL OR at >= @since) AND id >= @sinceId ORDER BY id`,
      )
      .all({
        eventId: opts.eventId ?? null,
        runId: opts.runId ?? null,
        since: opts.since?.toISOString() ?? null,
        sinceId: opts.sinceId ?? 0,
      }) as Record<string, unknown>[]
  ).map(changeFromRow);
}
