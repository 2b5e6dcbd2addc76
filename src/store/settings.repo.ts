/** SQL for settings: installation-wide values such as the secret that signs unsubscribe links. */
import { randomBytes } from 'node:crypto';
import type { Db } from './db.js';

/** The key under which the unsubscribe-link secret is kept. */
export const UNSUBSCRIBE_SECRET = 'unsubscribe_secret';

/** The stored value, or undefined. */
export function getSetting(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

/**
 * The unsubscribe secret (32 random bytes, hex), created on first use and never replaced:
 * changing it would break every link already mailed. Safe against concurrent first calls.
 */
export function ensureSecret(db: Db): string {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING').run(
    UNSUBSCRIBE_SECRET,
    randomBytes(32).toString('hex'),
  );
  return getSetting(db, UNSUBSCRIBE_SECRET)!;
}
