/** CLI actions an admin reaches for: `subscriptions`, `subscriptions remove`, `services` and `backup`. */
import { chmodSync, closeSync, existsSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DriftkollError, UsageError } from '../../domain/errors.js';
import { serviceJson, subscriptionJson } from '../../domain/present.js';
import { openDb } from '../../store/db.js';
import { deleteSubscription, isSuppressed, listSubscriptions } from '../../store/subscriptions.repo.js';
import { count } from '../../util/plural.js';
import { baseContext, openExistingContext } from '../../app/context.js';
import type { GlobalOptions } from '../options.js';

/** `subscriptions [--json]`: every staff subscription, by address. */
export function subscriptionsCommand(opts: GlobalOptions & { json?: boolean }): number {
  const ctx = openExistingContext(opts);
  try {
    const subs = listSubscriptions(ctx.db);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(subs.map(subscriptionJson), null, 2)}\n`);
      return 0;
    }
    if (subs.length === 0) process.stdout.write('no subscriptions\n');
    for (const s of subs) {
      const state = s.confirmed ? (isSuppressed(ctx.db, s.email) ? 'unsubscribed from all mail' : 'confirmed') : 'not confirmed';
      process.stdout.write(`${s.email}\t${s.cadence}\t${state}\t${s.services.join(',')}\t${s.kinds.join(',')}\n`);
    }
    return 0;
  } finally {
    ctx.db.close();
  }
}

/** `subscriptions remove EMAIL`: deletes the address's subscription (directory mail is not affected). */
export function subscriptionsRemoveCommand(opts: GlobalOptions & { email: string }): number {
  const email = opts.email.trim();
  const ctx = openExistingContext(opts);
  try {
    if (!deleteSubscription(ctx.db, email)) {
      throw new UsageError(`no subscription for ${email} (list them with: driftkoll subscriptions)`);
    }
    process.stdout.write(`removed the subscription of ${email}\n`);
    ctx.logger.info({ email }, 'subscription removed by admin');
    return 0;
  } finally {
    ctx.db.close();
  }
}

/** `services [--json]`: the service catalogue with the aliases that status pages are matched against. */
export function servicesCommand(opts: GlobalOptions & { json?: boolean }): number {
  const { catalogue } = baseContext(opts);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(catalogue.services.map(serviceJson), null, 2)}\n`);
    return 0;
  }
  for (const s of catalogue.services) {
    process.stdout.write(`${s.id}\t${s.name}\t${s.provider}${s.aliases.length ? `\t${s.aliases.join(', ')}` : ''}\n`);
  }
  return 0;
}

/**
 * `backup FILE [--force]`: a consistent copy of the live database through SQLite's online
 * backup, safe while `serve` runs. The copy is written beside the target under a temporary
 * name, created private (0600: it holds the secret that signs mailed links), checked, switched
 * out of WAL mode so it is one self-contained file, and only then renamed into place.
 */
export async function backupCommand(opts: GlobalOptions & { file: string; force?: boolean }): Promise<number> {
  const target = resolve(opts.file);
  if (existsSync(target) && !opts.force) {
    throw new UsageError(`${target} already exists; choose another file or pass --force to replace it`);
  }
  if (!existsSync(dirname(target))) throw new UsageError(`the folder ${dirname(target)} does not exist`);
  const ctx = openExistingContext(opts);
  if (resolve(ctx.config.databasePath) === target) {
    ctx.db.close();
    throw new UsageError(`${target} is the live database itself; back up to another file`);
  }
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    createPrivate(temp);
    await ctx.db.backup(temp);
    const copy = openDb(temp, { mustExist: true });
    try {
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new DriftkollError(`the copy failed SQLite's check: ${String(check)}`);
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    chmodSync(temp, 0o600);
    renameSync(temp, target);
  } catch (cause) {
    rmSync(temp, { force: true });
    for (const side of ['-wal', '-shm', '-journal']) rmSync(`${temp}${side}`, { force: true });
    if (cause instanceof DriftkollError) throw cause;
    throw new DriftkollError(`could not write the backup ${target}`, {
      cause,
      hint: 'check that the folder is writable and the disk has room',
    });
  } finally {
    ctx.db.close();
  }
  const version = new Database(target, { readonly: true, fileMustExist: true });
  const schema = version.pragma('user_version', { simple: true }) as number;
  version.close();
  process.stdout.write(`backup: ${target} (${count(statSync(target).size, 'byte')}, schema version ${schema})\n`);
  ctx.logger.info({ file: target, database: ctx.config.databasePath }, 'database backed up');
  return 0;
}

/** Creates an empty file readable only by its owner (the umask cannot widen it). */
function createPrivate(path: string): void {
  closeSync(openSync(path, 'wx', 0o600));
  chmodSync(path, 0o600);
}
