/**
 * SQL for link tokens (table link_tokens): manage links, subscription confirmations and admin
 * login links. Callers pass the token's hash, never the token: the table alone opens nothing.
 */
import type { Db } from './db.js';

export type TokenPurpose = 'manage' | 'confirm' | 'login';

export interface LinkToken {
  hash: string;
  purpose: TokenPurpose;
  email: string;
  data: Record<string, unknown>;
  createdAt: string;
  expiresAt: string | null;
  usedAt: string | null;
}

const SELECT = `SELECT hash, purpose, email, data, created_at AS createdAt, expires_at AS expiresAt, used_at AS usedAt FROM link_tokens`;

function fromRow(row: Record<string, unknown> | undefined): LinkToken | undefined {
  if (!row) return undefined;
  return { ...(row as unknown as LinkToken), data: JSON.parse(row.data as string) as Record<string, unknown> };
}

/** Stores a token's hash; for 'manage' a second token for the same address is ignored (one per address). */
export function insertToken(db: Db, t: Omit<LinkToken, 'usedAt'>): void {
  db.prepare(
    `INSERT INTO link_tokens (hash, purpose, email, data, created_at, expires_at)
     VALUES (@hash, @purpose, @email, @data, @createdAt, @expiresAt) ON CONFLICT DO NOTHING`,
  ).run({ ...t, email: t.email.trim(), data: JSON.stringify(t.data) });
}

/** The token with this hash and purpose, or undefined. */
export function findToken(db: Db, hash: string, purpose: TokenPurpose): LinkToken | undefined {
  return fromRow(db.prepare(`${SELECT} WHERE hash = ? AND purpose = ?`).get(hash, purpose) as Record<string, unknown> | undefined);
}

/** The address's manage token row, or undefined. */
export function manageTokenOf(db: Db, email: string): LinkToken | undefined {
  return fromRow(db.prepare(`${SELECT} WHERE purpose = 'manage' AND email = ?`).get(email.trim()) as Record<string, unknown> | undefined);
}

/**
 * Marks a one-use token used, if it is still unused and unexpired at `at`. True for exactly
 * one caller, however many submit the same link at once.
 */
export function useToken(db: Db, hash: string, purpose: TokenPurpose, at: string): boolean {
  return (
    db
      .prepare(
        `UPDATE link_tokens SET used_at = @at
         WHERE hash = @hash AND purpose = @purpose AND used_at IS NULL AND (expires_at IS NULL OR expires_at > @at)`,
      )
      .run({ hash, purpose, at }).changes > 0
  );
}

/** How many tokens of this purpose were made for the address at or after `since`: the per-address rate limit. */
export function countRecentTokens(db: Db, purpose: TokenPurpose, email: string, since: string): number {
  return (
    db
      .prepare('SELECT COUNT(*) AS n FROM link_tokens WHERE purpose = ? AND email = ? AND created_at >= ?')
      .get(purpose, email.trim(), since) as {
      n: number;
    }
  ).n;
}

/** Deletes one-use tokens that expired before `before`; returns how many. */
export function deleteExpiredTokens(db: Db, before: string): number {
  return db.prepare(`DELETE FROM link_tokens WHERE purpose != 'manage' AND expires_at < ?`).run(before).changes;
}
