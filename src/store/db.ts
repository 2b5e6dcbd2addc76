/** Opens the SQLite database and applies the numbered migrations in db/migrations. */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { packagePath } from '../util/paths.js';

export type Db = Database.Database;

/** Opens (creating if needed) the database at `path` with WAL and foreign keys, migrated to the latest version. */
export function openDb(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  // The file holds the link-signing secret and the contact directory: owner only. The
  // umask covers creation; SQLite gives -wal and -shm the database file's mode.
  const umask = path === ':memory:' ? null : process.umask(0o077);
  let db: Db;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
  } finally {
    if (umask !== null) process.umask(umask);
  }
  if (path !== ':memory:') makePrivate(path);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  migrate(db);
  return db;
}

/** Narrows an existing database (and its -wal/-shm) to mode 0600; installations created before this keep working. */
export function makePrivate(path: string): void {
  for (const p of [path, `${path}-wal`, `${path}-shm`]) {
    if (!existsSync(p) || (statSync(p).mode & 0o077) === 0) continue;
    try {
      chmodSync(p, 0o600);
    } catch (err) {
      // A read-only file system or another owner's file: opening goes on, and whatever
      // goes wrong with writing is reported where it happens.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EROFS' && code !== 'EPERM') throw err;
    }
  }
}

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Migration files named NNNN_name.sql, in order. */
export function listMigrations(dir = packagePath('db', 'migrations')): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number.parseInt(f.slice(0, 4), 10), name: f, sql: readFileSync(join(dir, f), 'utf8') }));
}

/**
 * Applies every migration newer than PRAGMA user_version, each in its own IMMEDIATE
 * transaction that reads the version again under the write lock, so two processes
 * opening a fresh database at once never apply the same migration twice.
 */
export function migrate(db: Db, migrations = listMigrations()): number {
  let current = db.pragma('user_version', { simple: true }) as number;
  for (const m of migrations) {
    if (m.version <= current) continue;
    current = db
      .transaction(() => {
        const now = db.pragma('user_version', { simple: true }) as number;
        if (m.version <= now) return now;
        db.exec(m.sql);
        db.pragma(`user_version = ${m.version}`);
        return m.version;
      })
      .immediate();
  }
  return current;
}
