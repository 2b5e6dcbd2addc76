/**
 * One scheduler per database. Two `serve` processes on one database would both poll,
 * both alert and both deliver; so the scheduler holds a lease, a row in settings that
 * names its holder and expires unless renewed. A second `serve` finds it held and
 * refuses to start, saying by whom. A holder that died (SIGKILL, power cut) is taken
 * over at once when it ran on this host and its pid is gone, else when the lease expires.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DriftkollError } from '../domain/errors.js';
import type { Db } from '../store/db.js';
import type { Logger } from '../util/logger.js';

export const LEASE_KEY = 'scheduler_lease';
/** A lease not renewed for this long is free. */
export const LEASE_TTL_MS = 60_000;

interface LeaseValue {
  holder: string;
  host: string;
  pid: number;
  /** Epoch ms. Wall time, not the app clock: a lease is about processes, not about the news. */
  expiresAt: number;
}

export interface SchedulerLease {
  /** Gives the lease up (on a clean stop), so the next `serve` starts at once. */
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else; only ESRCH means gone.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function read(db: Db): LeaseValue | null {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(LEASE_KEY) as { value: string } | undefined;
  if (!row) return null;
  try {
    return JSON.parse(row.value) as LeaseValue;
  } catch (cause) {
    throw new DriftkollError(`the scheduler lease in the database is unreadable: ${row.value}`, { cause });
  }
}

/**
 * Takes the scheduler lease and keeps renewing it; throws when another live process holds
 * it. Renewal runs on a timer that does not keep the process alive.
 */
export function acquireSchedulerLease(db: Db, opts: { logger: Logger; ttlMs?: number }): SchedulerLease {
  const ttl = opts.ttlMs ?? LEASE_TTL_MS;
  const me: Omit<LeaseValue, 'expiresAt'> = { holder: randomBytes(8).toString('hex'), host: hostname(), pid: process.pid };
  const write = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  const take = db.transaction((): LeaseValue | null => {
    const current = read(db);
    const free =
      !current || current.holder === me.holder || current.expiresAt <= Date.now() || (current.host === me.host && !alive(current.pid));
    if (!free) return current;
    write.run(LEASE_KEY, JSON.stringify({ ...me, expiresAt: Date.now() + ttl } satisfies LeaseValue));
    return null;
  });
  const held = take.immediate();
  if (held) {
    throw new DriftkollError(
      `another driftkoll serve (pid ${held.pid} on ${held.host}) is running the scheduler on this database; not starting a second`,
      { hint: 'stop the other process first; its lease expires a minute after it stops renewing' },
    );
  }
  const timer = setInterval(
    () => {
      try {
        const lost = take.immediate();
        if (lost) opts.logger.error({ holder: lost.pid, host: lost.host }, 'scheduler lease taken over by another process');
      } catch (err) {
        opts.logger.warn({ err: (err as Error).message }, 'could not renew the scheduler lease; trying again');
      }
    },
    Math.max(1000, Math.floor(ttl / 3)),
  );
  timer.unref();
  return {
    release() {
      clearInterval(timer);
      db.transaction(() => {
        if (read(db)?.holder === me.holder) db.prepare('DELETE FROM settings WHERE key = ?').run(LEASE_KEY);
      }).immediate();
    },
  };
}
