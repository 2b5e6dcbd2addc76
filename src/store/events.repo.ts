/** SQL for events: the current state of every item a source has listed. Instants are stored as UTC ISO. */
import type { Event, EventFields } from '../domain/event.js';
import type { Db } from './db.js';

/** Every event column, camelCased; the reads in browse.repo.ts add their own WHERE. */
export const EVENT_SELECT = `SELECT id, source_id AS sourceId, key, kind, status, title, services, start, end, url, impact,
  time_text AS timeText, details, guid, first_seen_at AS firstSeenAt, last_seen_at AS lastSeenAt,
  missing_polls AS missingPolls, vanished_at AS vanishedAt FROM events`;

/** An events row as an Event. */
export function eventFromRow(row: Record<string, unknown>): Event {
  return { ...(row as unknown as Event), services: JSON.parse(row.services as string) as string[] };
}

function params(f: EventFields) {
  return { ...f, services: JSON.stringify(f.services) };
}

export function listEventsBySource(db: Db, sourceId: string): Event[] {
  return (db.prepare(`${EVENT_SELECT} WHERE source_id = ? ORDER BY id`).all(sourceId) as Record<string, unknown>[]).map(eventFromRow);
}

export function getEvent(db: Db, id: number): Event | undefined {
  const row = db.prepare(`${EVENT_SELECT} WHERE id = ?`).get(id) as Record<string, unknown> | undefined;
  return row ? eventFromRow(row) : undefined;
}

/** Every event, newest first; optionally only those still listed. */
export function listEvents(db: Db, opts: { listedOnly?: boolean } = {}): Event[] {
  const where = opts.listedOnly ? 'WHERE vanished_at IS NULL' : '';
  return (
    db.prepare(`${EVENT_SELECT} ${where} ORDER BY COALESCE(start, first_seen_at) DESC, id DESC`).all() as Record<string, unknown>[]
  ).map(eventFromRow);
}

export function insertEvent(db: Db, sourceId: string, f: EventFields, at: string): number {
  return Number(
    db
      .prepare(
        `INSERT INTO events (source_id, key, kind, status, title, services, start, end, url, impact, time_text, details, guid,
           first_seen_at, last_seen_at)
         VALUES (@sourceId, @key, @kind, @status, @title, @services, @start, @end, @url, @impact, @timeText, @details, @guid, @at, @at)`,
      )
      .run({ ...params(f), sourceId, at }).lastInsertRowid,
  );
}

/** Writes an item's current state onto its event and marks it seen (listed again, missing count reset). */
export function updateEventSeen(db: Db, id: number, f: EventFields, at: string): void {
  db.prepare(
    `UPDATE events SET key = @key, kind = @kind, status = @status, title = @title, services = @services, start = @start,
       end = @end, url = @url, impact = @impact, time_text = @timeText, details = @details, guid = @guid,
       last_seen_at = @at, missing_polls = 0, vanished_at = NULL WHERE id = @id`,
  ).run({ ...params(f), id, at });
}

/** Counts one more healthy poll without the item; sets vanished_at when `vanishedAt` is given. */
export function markEventMissing(db: Db, id: number, missingPolls: number, vanishedAt: string | null): void {
  db.prepare('UPDATE events SET missing_polls = ?, vanished_at = COALESCE(vanished_at, ?) WHERE id = ?').run(missingPolls, vanishedAt, id);
}
