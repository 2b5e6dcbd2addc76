/** SQL for the outbox table: enqueue once per idempotency key, claim due rows, record each attempt. */
import type { MessageKind, MessageStatus, NewMessage, OutboxMessage } from '../domain/message.js';
import type { Db } from './db.js';
import { prepared } from './statements.js';

// Bodies live in outbox_bodies (migration 0006), so a status change rewrites only the small row.
const SELECT = `SELECT id, idempotency_key AS key, kind, to_address AS "to", from_address AS "from",
  reply_to AS replyTo, subject, b.html, b.text, headers, message_id AS messageId, template, b.data, status,
  attempts, next_attempt_at AS nextAttemptAt, last_error AS lastError, transport, created_at AS createdAt,
  sent_at AS sentAt, original_id AS originalId, requested_by AS requestedBy, reason
  FROM outbox JOIN outbox_bodies b ON b.outbox_id = outbox.id`;

function fromRow(row: Record<string, unknown> | undefined): OutboxMessage | undefined {
  if (!row) return undefined;
  return {
    ...(row as unknown as OutboxMessage),
    headers: JSON.parse(row.headers as string) as Record<string, string>,
    data: JSON.parse(row.data as string) as Record<string, unknown>,
  };
}

/**
 * Adds the message unless its idempotency key is already there. A second enqueue of the
 * same key (a job run twice) is a no-op returning the existing id with `created: false`.
 */
export function enqueue(db: Db, msg: NewMessage): { id: number; created: boolean } {
  // The row and its body together, or neither: inside the caller's transaction when there
  // is one (a digest run enqueues thousands; a savepoint each was measurable), else in its own.
  const insert = () => {
    const row = prepared(
      db,
      `INSERT INTO outbox (idempotency_key, kind, to_address, from_address, reply_to, subject,
         headers, message_id, template, status, attempts, next_attempt_at, created_at,
         original_id, requested_by, reason)
       VALUES (@key, @kind, @to, @from, @replyTo, @subject, @headers, @messageId, @template,
         'queued', 0, @createdAt, @createdAt, @originalId, @requestedBy, @reason)
       ON CONFLICT(idempotency_key) DO NOTHING
       RETURNING id`,
    ).get({
      key: msg.key,
      kind: msg.kind,
      to: msg.to,
      from: msg.from,
      replyTo: msg.replyTo,
      subject: msg.subject,
      headers: JSON.stringify(msg.headers),
      messageId: msg.messageId,
      template: msg.template,
      createdAt: msg.createdAt,
      originalId: msg.originalId ?? null,
      requestedBy: msg.requestedBy ?? null,
      reason: msg.reason ?? null,
    }) as { id: number } | undefined;
    if (row) {
      prepared(db, 'INSERT INTO outbox_bodies (outbox_id, html, text, data) VALUES (?, ?, ?, ?)').run(
        row.id,
        msg.html,
        msg.text,
        JSON.stringify(msg.data),
      );
    }
    return row;
  };
  const inserted = db.inTransaction ? insert() : db.transaction(insert)();
  if (inserted) return { id: inserted.id, created: true };
  const existing = prepared(db, 'SELECT id FROM outbox WHERE idempotency_key = ?').get(msg.key) as { id: number };
  return { id: existing.id, created: false };
}

/** Whether a message with this idempotency key exists: lets callers skip rendering; enqueue still dedups. */
export function hasMessageKey(db: Db, key: string): boolean {
  return prepared(db, 'SELECT 1 FROM outbox WHERE idempotency_key = ?').get(key) !== undefined;
}

/**
 * Claims up to `limit` queued rows due at `now`, earliest due first, by setting them to `sending`
 * in one write transaction, so two workers never claim the same row.
 */
export function claimDue(db: Db, now: string, limit: number): OutboxMessage[] {
  // Ids first, from the outbox_due index alone, in its own order (due time, then id: for new
  // mail that is enqueue order): the first due row is then one index step away, where
  // ORDER BY id alone sorted every queued row on each claim (10,000 digests: quadratic).
  const due = prepared(
    db,
    `SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
  ).pluck();
  const read = prepared(db, `${SELECT} WHERE id = ?`);
  const mark = prepared(db, `UPDATE outbox SET status = 'sending', claimed_at = ? WHERE id = ?`);
  return db
    .transaction(() =>
      (due.all(now, limit) as number[]).map((id) => {
        mark.run(now, id);
        return fromRow(read.get(id) as Record<string, unknown>)!;
      }),
    )
    .immediate();
}

/** Records a delivered message: status sent, the attempt counted, when and through which transport. */
export function markSent(db: Db, id: number, at: string, transport: string): boolean {
  return (
    prepared(
      db,
      `UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?, transport = ? WHERE id = ? AND status = 'sending'`,
    ).run(at, transport, id).changes > 0
  );
}

/** Records a temporary failure: back to queued, the attempt counted, due again at `nextAttemptAt`. */
export function markRetry(db: Db, id: number, error: string, nextAttemptAt: string): boolean {
  return recordFailedAttempt(db, id, 'queued', error, nextAttemptAt);
}

/**
 * Records a final failure with the attempt counted. The schema has no failed_at column, so
 * next_attempt_at keeps `at`, the time of the last attempt.
 */
export function markFailed(db: Db, id: number, error: string, at: string): boolean {
  return recordFailedAttempt(db, id, 'failed', error, at);
}

/** One failed attempt of a row still being sent by this worker. */
function recordFailedAttempt(db: Db, id: number, status: 'queued' | 'failed', error: string, at: string): boolean {
  return (
    db
      .prepare(
        `UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ?
         WHERE id = ? AND status = 'sending'`,
      )
      .run(status, error, at, id).changes > 0
  );
}

/**
 * The server could not be reached: back to queued with the attempt not counted (an outage
 * must not use up a message's attempts), the reason kept, due again at `nextAttemptAt`.
 */
export function markDeferred(db: Db, id: number, error: string, nextAttemptAt: string): boolean {
  return (
    db
      .prepare(`UPDATE outbox SET status = 'queued', last_error = ?, next_attempt_at = ? WHERE id = ? AND status = 'sending'`)
      .run(error, nextAttemptAt, id).changes > 0
  );
}

/**
 * Puts claimed rows that were never attempted back to queued with their attempts unchanged
 * (the worker stopped early); `nextAttemptAt` postpones them, null keeps them due.
 */
export function releaseClaimed(db: Db, ids: readonly number[], nextAttemptAt: string | null): number {
  const stmt = db.prepare(
    `UPDATE outbox SET status = 'queued', next_attempt_at = COALESCE(?, next_attempt_at)
     WHERE id = ? AND status = 'sending'`,
  );
  return db.transaction(() => ids.reduce((n, id) => n + stmt.run(nextAttemptAt, id).changes, 0)).immediate();
}

/**
 * Crash recovery: rows left `sending` go back to queued, attempts unchanged — all of them
 * (at the start of the only worker), or only those claimed before `claimedBefore` (a lease,
 * so a CLI run never steals the message another process is sending right now).
 * Such a message may have gone out just before the crash; at-least-once accepts the repeat.
 */
export function requeueStuck(db: Db, claimedBefore?: string): number {
  return db
    .prepare(`UPDATE outbox SET status = 'queued' WHERE status = 'sending' AND (@before IS NULL OR claimed_at <= @before)`)
    .run({ before: claimedBefore ?? null }).changes;
}

/** One message by id, or undefined. */
export function getMessage(db: Db, id: number): OutboxMessage | undefined {
  return fromRow(db.prepare(`${SELECT} WHERE id = ?`).get(id) as Record<string, unknown> | undefined);
}

/** The delivery log, newest first, optionally filtered by status, kind or recipient. */
export function listMessages(
  db: Db,
  opts: { limit?: number; status?: MessageStatus; kind?: MessageKind; to?: string } = {},
): OutboxMessage[] {
  const rows = db
    .prepare(
      `${SELECT} WHERE (@status IS NULL OR status = @status) AND (@kind IS NULL OR kind = @kind)
       AND (@to IS NULL OR to_address = @to COLLATE NOCASE)
       ORDER BY created_at DESC, id DESC LIMIT @limit`,
    )
    .all({ status: opts.status ?? null, kind: opts.kind ?? null, to: opts.to ?? null, limit: opts.limit ?? 100 });
  return (rows as Record<string, unknown>[]).map((r) => fromRow(r)!);
}

/** How many copies of a message have been resent; numbers the next resend's key. */
export function countResends(db: Db, originalId: number): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE original_id = ?').get(originalId) as { n: number }).n;
}

/** One step in a message's life, as migration 0005's triggers record it. */
export interface OutboxHistoryEntry {
  status: MessageStatus;
  /** When the step happened (UTC ISO); for a return to `queued`, when the message is due again. */
  at: string;
  attempts: number;
  error: string | null;
}

/** A message's status history, oldest first. */
export function listOutboxHistory(db: Db, outboxId: number): OutboxHistoryEntry[] {
  return db
    .prepare('SELECT status, at, attempts, error FROM outbox_history WHERE outbox_id = ? ORDER BY id')
    .all(outboxId) as OutboxHistoryEntry[];
}
