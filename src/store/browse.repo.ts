/**
 * Paged, filtered reads for the web app, its API and /metrics: events, changes, outbox rows
 * and subscriptions one page at a time, and the counts a scrape needs. Nothing here writes.
 */
import type { Change, Event } from '../domain/event.js';
import type { MessageKind, MessageStatus, OutboxMessage } from '../domain/message.js';
import type { Kind, Status } from '../domain/types.js';
import type { Db } from './db.js';
import { changeFromRow } from './changes.repo.js';
import { EVENT_SELECT, eventFromRow } from './events.repo.js';
import { SUBSCRIPTION_SELECT, subscriptionFromRow, type Subscription } from './subscriptions.repo.js';

/** One page: `limit` rows from `offset`. */
export interface PageOpts {
  limit: number;
  offset: number;
}

export interface EventFilter {
  /** Events naming any of these service ids. */
  services?: string[];
  kinds?: Kind[];
  statuses?: Status[];
  /** Start at or after (UTC ISO). */
  from?: string;
  /** Start before (UTC ISO). */
  to?: string;
  listedOnly?: boolean;
}

const ANY_SERVICE = `EXISTS (SELECT 1 FROM json_each(events.services) s WHERE s.value IN (SELECT value FROM json_each(@services)))`;

function eventWhere(f: EventFilter): string {
  return `WHERE (@services IS NULL OR ${ANY_SERVICE})
    AND (@kinds IS NULL OR kind IN (SELECT value FROM json_each(@kinds)))
    AND (@statuses IS NULL OR status IN (SELECT value FROM json_each(@statuses)))
    AND (@from IS NULL OR start >= @from) AND (@to IS NULL OR start < @to)
    ${f.listedOnly ? 'AND vanished_at IS NULL' : ''}`;
}

function eventParams(f: EventFilter) {
  const json = (v: unknown[] | undefined) => (v ? JSON.stringify(v) : null);
  return { services: json(f.services), kinds: json(f.kinds), statuses: json(f.statuses), from: f.from ?? null, to: f.to ?? null };
}

/** Events matching `f`, newest start first (events without a start by when first seen). */
export function findEvents(db: Db, f: EventFilter, page: PageOpts): Event[] {
  return (
    db
      .prepare(`${EVENT_SELECT} ${eventWhere(f)} ORDER BY COALESCE(start, first_seen_at) DESC, id DESC LIMIT @limit OFFSET @offset`)
      .all({ ...eventParams(f), ...page }) as Record<string, unknown>[]
  ).map(eventFromRow);
}

/** Events matching `f` in start order, oldest first: for the calendar and the overview's upcoming lists. */
export function findEventsByStart(db: Db, f: EventFilter, limit: number): Event[] {
  return (
    db
      .prepare(`${EVENT_SELECT} ${eventWhere(f)} AND start IS NOT NULL ORDER BY start, id LIMIT @limit`)
      .all({ ...eventParams(f), limit }) as Record<string, unknown>[]
  ).map(eventFromRow);
}

export interface ChangeFilter {
  eventId?: number;
  /** At or after (UTC ISO). */
  since?: string;
  /** Before (UTC ISO). */
  until?: string;
  types?: string[];
  /** Changes of events matching this filter. */
  event?: EventFilter;
}

/** Changes matching `f`, newest first. */
export function findChanges(db: Db, f: ChangeFilter, page: PageOpts): Change[] {
  const ev = f.event ?? {};
  return (
    db
      .prepare(
        `SELECT c.id, c.event_id AS eventId, c.run_id AS runId, c.type, c.fields, c.before, c.after, c.at, c.baseline
         FROM changes c JOIN events ON events.id = c.event_id
         ${eventWhere(ev)}
           AND (@eventId IS NULL OR c.event_id = @eventId) AND (@since IS NULL OR c.at >= @since) AND (@until IS NULL OR c.at < @until)
           AND (@types IS NULL OR c.type IN (SELECT value FROM json_each(@types)))
         ORDER BY c.at DESC, c.id DESC LIMIT @limit OFFSET @offset`,
      )
      .all({
        ...eventParams(ev),
        eventId: f.eventId ?? null,
        since: f.since ?? null,
        until: f.until ?? null,
        types: f.types ? JSON.stringify(f.types) : null,
        ...page,
      }) as Record<string, unknown>[]
  ).map(changeFromRow);
}

/** Per event id: how many changes it has and when the last was recorded. */
export function changeStats(db: Db, eventIds: number[]): Map<number, { count: number; lastAt: string }> {
  const rows = db
    .prepare(
      `SELECT event_id AS eventId, COUNT(*) AS count, MAX(at) AS lastAt FROM changes
       WHERE event_id IN (SELECT value FROM json_each(?)) GROUP BY event_id`,
    )
    .all(JSON.stringify(eventIds)) as { eventId: number; count: number; lastAt: string }[];
  return new Map(rows.map((r) => [r.eventId, { count: r.count, lastAt: r.lastAt }]));
}

export interface OutboxFilter {
  status?: MessageStatus;
  kind?: MessageKind;
  /** Recipient, case-insensitive, exact. */
  to?: string;
}

/** One page of the outbox, newest first, without the bodies. */
export function findMessages(db: Db, f: OutboxFilter, page: PageOpts): Omit<OutboxMessage, 'html' | 'text' | 'data' | 'headers'>[] {
  return db
    .prepare(
      `SELECT id, idempotency_key AS key, kind, to_address AS "to", from_address AS "from", reply_to AS replyTo, subject,
         message_id AS messageId, template, status, attempts, next_attempt_at AS nextAttemptAt, last_error AS lastError,
         transport, created_at AS createdAt, sent_at AS sentAt, original_id AS originalId, requested_by AS requestedBy, reason
       FROM outbox WHERE (@status IS NULL OR status = @status) AND (@kind IS NULL OR kind = @kind)
         AND (@to IS NULL OR to_address = @to COLLATE NOCASE)
       ORDER BY id DESC LIMIT @limit OFFSET @offset`,
    )
    .all({ status: f.status ?? null, kind: f.kind ?? null, to: f.to?.trim() || null, ...page }) as Omit<
    OutboxMessage,
    'html' | 'text' | 'data' | 'headers'
  >[];
}

/** One page of subscriptions by address. */
export function pageSubscriptions(db: Db, page: PageOpts): Subscription[] {
  const rows = db.prepare(`${SUBSCRIPTION_SELECT} ORDER BY email LIMIT ? OFFSET ?`).all(page.limit, page.offset) as Record<
    string,
    unknown
  >[];
  return rows.map(subscriptionFromRow);
}

/** How many subscriptions are confirmed. */
export function countConfirmedSubscriptions(db: Db): number {
  return db.prepare('SELECT COUNT(*) FROM subscriptions WHERE confirmed = 1').pluck().get() as number;
}

/** Counts for /metrics, read on each scrape. */
export interface StoreCounts {
  polls: { sourceId: string; outcome: string; n: number }[];
  events: { kind: string; status: string; n: number }[];
  messages: { status: string; n: number }[];
}

export function storeCounts(db: Db): StoreCounts {
  return {
    polls: db
      .prepare(`SELECT source_id AS sourceId, COALESCE(outcome, 'running') AS outcome, COUNT(*) AS n FROM poll_runs GROUP BY 1, 2`)
      .all() as StoreCounts['polls'],
    events: db.prepare('SELECT kind, status, COUNT(*) AS n FROM events GROUP BY kind, status').all() as StoreCounts['events'],
    messages: db.prepare('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status').all() as StoreCounts['messages'],
  };
}

/** Seconds from enqueue to sent for messages sent at or after `since` (UTC ISO). */
export function deliveryLatencies(db: Db, since: string): number[] {
  return db
    .prepare(`SELECT (julianday(sent_at) - julianday(created_at)) * 86400.0 FROM outbox WHERE status = 'sent' AND sent_at >= ?`)
    .pluck()
    .all(since) as number[];
}

/** True when the database answers a trivial query. */
export function pingDb(db: Db): boolean {
  return (db.prepare('SELECT 1').pluck().get() as number) === 1;
}
