/** SQL for admin sessions: the cookie carries a random id, the table keeps only its hash. */
import type { Db } from './db.js';

export interface AdminSession {
  hash: string;
  email: string;
  createdAt: string;
  expiresAt: string;
}

/** Stores a new session. */
export function insertSession(db: Db, s: AdminSession): void {
  db.prepare('INSERT INTO admin_sessions (hash, email, created_at, expires_at) VALUES (@hash, @email, @createdAt, @expiresAt)').run(s);
}

/** The session with this hash if it has not expired at `at`, else undefined. */
export function findSession(db: Db, hash: string, at: string): AdminSession | undefined {
  return db
    .prepare('SELECT hash, email, created_at AS createdAt, expires_at AS expiresAt FROM admin_sessions WHERE hash = ? AND expires_at > ?')
    .get(hash, at) as AdminSession | undefined;
}

/** Ends a session; also clears every session that expired before `at`. */
export function deleteSession(db: Db, hash: string, at: string): void {
  db.prepare('DELETE FROM admin_sessions WHERE hash = ? OR expires_at <= ?').run(hash, at);
}
