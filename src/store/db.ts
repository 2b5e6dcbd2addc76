/** Opens the SQLite database and applies the numbered migrations in db/migrations. */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError } from '../domain/errors.js';
import { packagePath } from '../util/paths.js';

export type Db = Database.Database;

/** How to open: `mustExist` for commands that only read, which must never create a folder or an empty database. */
export interface OpenDbOptions {
  mustExist?: boolean;
}

/**
 * Opens the database at `path` with WAL and foreign keys, migrated to the latest version;
 * creates it (and its folder) unless `mustExist`. Every failure is a ConfigError that names
 * the path and what to check.
 */
export function openDb(path: string, options: OpenDbOptions = {}): Db {
  const memory = path === ':memory:';
  if (!memory && options.mustExist && !existsSync(path)) {
    throw new ConfigError(`no database at ${path}`, {
      hint: 'run `driftkoll poll` or `driftkoll serve` once to create it, or point DRIFTKOLL_DB or `database:` in the config at the right file',
    });
  }
  let db: Db | undefined;
  try {
    if (!memory && !options.mustExist) mkdirSync(dirname(path), { recursive: true });
    // The file holds the link-signing secret and the contact directory: owner only. The
    // umask covers creation; SQLite gives -wal and -shm the database file's mode.
    const umask = memory ? null : process.umask(0o077);
    try {
      db = new Database(path, { fileMustExist: options.mustExist === true });
      db.pragma('journal_mode = WAL');
    } finally {
      if (umask !== null) process.umask(umask);
    }
    if (!memory) makePrivate(path);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    migrate(db);
    return db;
  } catch (cause) {
    db?.close();
    throw openError(path, cause);
  }
}

/** Codes of failures that are about the file, its folder or the disk, not about the data. */
const ACCESS_CODES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  ENOTDIR: 'a part of the path is not a folder',
  SQLITE_READONLY: 'the file or its folder is read-only',
  SQLITE_READONLY_DIRECTORY: 'the folder is read-only',
  SQLITE_CANTOPEN: 'the file cannot be opened',
  SQLITE_PERM: 'permission denied',
  SQLITE_FULL: 'the disk is full',
  SQLITE_NOTADB: 'the file is not an SQLite database',
  SQLITE_CORRUPT: 'the file is damaged',
  ENOENT: 'the folder cannot be created',
  EEXIST: 'a part of the path is a file, not a folder',
};

/** What to check when the file is there but is not a usable database. */
const CONTENT_HINT = "check that DRIFTKOLL_DB or `database:` in the config points at driftkoll's database, or restore one from a backup";
const ACCESS_HINT =
  'check that the user running driftkoll can read and write the file and its folder (SQLite writes -wal and -shm files beside it), and that the file system is not read-only';

/** One operator line for a database that cannot be opened, created or written. */
function openError(path: string, cause: unknown): ConfigError {
  const code = String((cause as { code?: unknown }).code ?? '');
  const known = ACCESS_CODES[code] ?? (code.startsWith('SQLITE_IOERR') ? 'the disk reported an I/O error' : undefined);
  if (!known) {
    // A failed migration or similar: not about access, so the original error says more.
    return new ConfigError(`the database ${path} could not be opened and migrated`, { cause });
  }
  const content = code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT';
  return new ConfigError(`cannot open the database ${path}: ${known}`, { cause, hint: content ? CONTENT_HINT : ACCESS_HINT });
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
