/** SQL for the audit log: who did what in the admin console, when, and why. Append-only. */
import type { Db } from './db.js';

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  reason: string | null;
  details: Record<string, unknown>;
}

/** Appends an entry; returns its id. */
export function recordAudit(db: Db, e: Omit<AuditEntry, 'id' | 'details'> & { details?: Record<string, unknown> }): number {
  return Number(
    db
      .prepare(
        'INSERT INTO audit_log (at, actor, action, target, reason, details) VALUES (@at, @actor, @action, @target, @reason, @details)',
      )
      .run({ ...e, details: JSON.stringify(e.details ?? {}) }).lastInsertRowid,
  );
}

/** One page of the log, newest first. */
export function listAudit(db: Db, opts: { limit: number; offset: number }): AuditEntry[] {
  return (
    db
      .prepare('SELECT id, at, actor, action, target, reason, details FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?')
      .all(opts.limit, opts.offset) as Record<string, unknown>[]
  ).map((r) => ({ ...(r as unknown as AuditEntry), details: JSON.parse(r.details as string) as Record<string, unknown> }));
}
