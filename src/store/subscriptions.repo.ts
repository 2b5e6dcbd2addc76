/**
 * SQL for staff subscriptions (one row per address, edited in place) and for suppressions
 * (addresses that asked for no more mail, checked before every enqueue).
 */
import type { Cadence, Kind } from '../domain/types.js';
import type { Db } from './db.js';
import { prepared } from './statements.js';

export interface Subscription {
  id: number;
  email: string;
  services: string[];
  cadence: Cadence;
  kinds: Kind[];
  confirmed: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface SubscriptionInput {
  email: string;
  services: string[];
  cadence: Cadence;
  kinds: Kind[];
  /** Omitted on an edit: the stored state is kept. Omitted on a new row: unconfirmed. */
  confirmed?: boolean;
}

/** Every subscription column, camelCased. */
export const SUBSCRIPTION_SELECT = `SELECT id, email, services, cadence, kinds, confirmed, created_at AS createdAt,
  updated_at AS updatedAt FROM subscriptions`;

/** A subscriptions row as a Subscription. */
export function subscriptionFromRow(row: Record<string, unknown>): Subscription {
  return {
    ...(row as unknown as Subscription),
    services: JSON.parse(row.services as string) as string[],
    kinds: JSON.parse(row.kinds as string) as Kind[],
    confirmed: row.confirmed === 1,
  };
}

/**
 * Creates the address's subscription or edits it in place (addresses match case-insensitively).
 * The creation time is kept on an edit. `at` is a stored time (storedTime).
 */
export function upsertSubscription(db: Db, s: SubscriptionInput, at: string): Subscription {
  db.prepare(
    `INSERT INTO subscriptions (email, services, cadence, kinds, confirmed, created_at, updated_at)
     VALUES (@email, @services, @cadence, @kinds, @confirmedNew, @at, @at)
     ON CONFLICT(email) DO UPDATE SET services = excluded.services, cadence = excluded.cadence, kinds = excluded.kinds,
       confirmed = COALESCE(@confirmedEdit, subscriptions.confirmed), updated_at = excluded.updated_at`,
  ).run({
    email: s.email.trim(),
    services: JSON.stringify([...new Set(s.services)]),
    cadence: s.cadence,
    kinds: JSON.stringify([...new Set(s.kinds)]),
    confirmedNew: s.confirmed ? 1 : 0,
    confirmedEdit: s.confirmed === undefined ? null : s.confirmed ? 1 : 0,
    at,
  });
  return getSubscriptionByEmail(db, s.email.trim())!;
}

/** The address's subscription (case-insensitive), or undefined. */
export function getSubscriptionByEmail(db: Db, email: string): Subscription | undefined {
  const row = db.prepare(`${SUBSCRIPTION_SELECT} WHERE email = ?`).get(email.trim()) as Record<string, unknown> | undefined;
  return row ? subscriptionFromRow(row) : undefined;
}

/** Deletes the address's subscription; false when it had none. */
export function deleteSubscription(db: Db, email: string): boolean {
  return db.prepare('DELETE FROM subscriptions WHERE email = ?').run(email.trim()).changes > 0;
}

/** All subscriptions by address, or only the confirmed ones. */
export function listSubscriptions(db: Db, opts: { confirmedOnly?: boolean } = {}): Subscription[] {
  const where = opts.confirmedOnly ? 'WHERE confirmed = 1' : '';
  return (db.prepare(`${SUBSCRIPTION_SELECT} ${where} ORDER BY email`).all() as Record<string, unknown>[]).map(subscriptionFromRow);
}

/**
 * Confirmed subscriptions that follow any of `serviceIds` and want this kind of news.
 * Suppressions are not applied here: the caller checks isSuppressed before enqueueing.
 */
export function subscribersFor(db: Db, serviceIds: string[], kind: Kind): Subscription[] {
  const rows = db
    .prepare(
      `${SUBSCRIPTION_SELECT}
       WHERE confirmed = 1
         AND EXISTS (SELECT 1 FROM json_each(kinds) k WHERE k.value = @kind)
         AND EXISTS (SELECT 1 FROM json_each(services) s WHERE s.value IN (SELECT value FROM json_each(@ids)))
       ORDER BY email`,
    )
    .all({ kind, ids: JSON.stringify(serviceIds) }) as Record<string, unknown>[];
  return rows.map(subscriptionFromRow);
}

/** Stops all mail to the address. The first reason and time are kept; true when newly suppressed. */
export function suppress(db: Db, email: string, reason: string, at: string): boolean {
  return (
    db
      .prepare('INSERT INTO suppressions (email, reason, created_at) VALUES (?, ?, ?) ON CONFLICT(email) DO NOTHING')
      .run(email.trim(), reason, at).changes > 0
  );
}

/** True when the address (case-insensitive) asked for no more mail. */
export function isSuppressed(db: Db, email: string): boolean {
  // Asked once per message delivered and per digest recipient: compiled once per connection.
  return prepared(db, 'SELECT 1 FROM suppressions WHERE email = ?').get(email.trim()) !== undefined;
}

/** Lifts a suppression; false when there was none. */
export function unsuppress(db: Db, email: string): boolean {
  return db.prepare('DELETE FROM suppressions WHERE email = ?').run(email.trim()).changes > 0;
}
