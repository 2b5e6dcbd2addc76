/** SQL for change_notifications: which changes the alert stage has handled. */
import type { ChangeRow } from './changes.repo.js';
import { listChanges } from './changes.repo.js';
import type { Db } from './db.js';

/** Changes not yet handled by the alert stage, in id order. */
export function listPendingChanges(db: Db): ChangeRow[] {
  const handled = db.prepare('SELECT MIN(c.id) AS first FROM changes c LEFT JOIN change_notifications n ON n.change_id = c.id WHERE n.change_id IS NULL').get() as {
    first: number | null;
  };
  if (handled.first === null) return [];
  const pending = new Set(
    (db.prepare('SELECT c.id FROM changes c LEFT JOIN change_notifications n ON n.change_id = c.id WHERE n.change_id IS NULL').pluck().all() as number[]),
  );
  return listChanges(db).filter((c) => pending.has(c.id));
}

/** Marks changes handled; call in the transaction that enqueues their alerts. */
export function markChangesHandled(db: Db, ids: number[], at: string, messages: number): void {
  const stmt = db.prepare('INSERT INTO change_notifications (change_id, handled_at, messages) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  for (const id of ids) stmt.run(id, at, messages);
}
