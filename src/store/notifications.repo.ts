/** SQL for change_notifications: which changes the alert stage has handled. */
import type { Change } from '../domain/event.js';
import { listChanges } from './changes.repo.js';
import type { Db } from './db.js';

/** Changes not yet handled by the alert stage, in id order. */
export function listPendingChanges(db: Db): Change[] {
  const ids = db
    .prepare('SELECT c.id FROM changes c LEFT JOIN change_notifications n ON n.change_id = c.id WHERE n.change_id IS NULL ORDER BY c.id')
    .pluck()
    .all() as number[];
  if (ids.length === 0) return [];
  const pending = new Set(ids);
  return listChanges(db, { sinceId: ids[0] }).filter((c) => pending.has(c.id));
}

/** True when any of these changes is handled already (by another run). */
export function anyHandled(db: Db, ids: number[]): boolean {
  const stmt = db.prepare('SELECT 1 FROM change_notifications WHERE change_id = ?');
  return ids.some((id) => stmt.get(id) !== undefined);
}

/** Marks changes handled; call in the (immediate) transaction that enqueues their alerts. */
export function markChangesHandled(db: Db, ids: number[], at: string, messages: number): void {
  const stmt = db.prepare('INSERT INTO change_notifications (change_id, handled_at, messages) VALUES (?, ?, ?)');
  for (const id of ids) stmt.run(id, at, messages);
}
