/** CLI actions for who hears what: `directory list`, `directory import FILE` and the admin `subscribe`. */
import { existsSync } from 'node:fs';
import { UsageError } from '../../domain/errors.js';
import { CADENCES, KINDS, type Cadence, type Kind } from '../../domain/types.js';
import { formatImportReport, importDirectory, readDirectoryFile } from '../../directory/import.js';
import { isSuppressed, upsertSubscription } from '../../store/subscriptions.repo.js';
import { storedTime } from '../../util/time.js';
import { unitJson } from '../../domain/present.js';
import { listUnits } from '../../store/directory.repo.js';
import { count } from '../../util/plural.js';
import { openDb } from '../../store/db.js';
import { baseContext, openContext, openExistingContext, type AppContext } from '../../app/context.js';
import type { GlobalOptions } from '../options.js';
import { addressProblem } from '../../domain/address.js';

/** `directory list [--json]`: the stored administrations and objects with their contacts and services. */
export function directoryListCommand(opts: GlobalOptions & { json?: boolean }): number {
  const ctx = openExistingContext(opts);
  try {
    const units = listUnits(ctx.db);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(units.map(unitJson), null, 2)}\n`);
      return 0;
    }
    if (units.length === 0) process.stdout.write('the directory is empty (load one with: driftkoll directory import FILE)\n');
    for (const u of units) {
      const services = u.services === 'all' ? 'all services' : count(u.services.length, 'service');
      process.stdout.write(`${u.id}\t${u.type}\t${u.name}\t${count(u.contacts.length, 'contact')}\t${services}\n`);
      for (const c of u.contacts) {
        process.stdout.write(`  ${c.email}\t${c.role}${c.name ? `\t${c.name}` : ''}${c.channel !== 'email' ? `\t(${c.channel})` : ''}\n`);
      }
    }
    return 0;
  } finally {
    ctx.db.close();
  }
}

/**
 * `directory import FILE [--dry-run] [--allow-empty]`: validate the file, then replace the stored
 * directory with it and print what changed (with --dry-run: what would change, changing nothing).
 */
export function directoryImportCommand(opts: GlobalOptions & { file: string; dryRun?: boolean; allowEmpty?: boolean }): number {
  const ctx = opts.dryRun ? dryRunContext(opts) : openContext(opts);
  try {
    // A bad file throws ConfigError before anything is written.
    const directory = readDirectoryFile(opts.file, ctx.catalogue);
    const report = importDirectory(ctx.db, directory, { dryRun: opts.dryRun, refuseEmpty: !opts.allowEmpty });
    if (opts.dryRun) process.stdout.write('dry run: nothing was changed; an import would make these changes:\n');
    for (const line of formatImportReport(report)) process.stdout.write(`${line}\n`);
    if (opts.dryRun) return 0;
    ctx.logger.info(
      {
        file: opts.file,
        unitsAdded: report.unitsAdded.length,
        unitsUpdated: report.unitsUpdated.length,
        unitsRemoved: report.unitsRemoved.length,
        contactsAdded: report.contactsAdded.length,
        contactsUpdated: report.contactsUpdated.length,
        contactsRemoved: report.contactsRemoved.length,
      },
      'directory imported',
    );
    return 0;
  } finally {
    ctx.db.close();
  }
}

/**
 * A dry run only looks, so it never creates a database: before the first import it compares
 * against an empty one in memory (everything would be added).
 */
function dryRunContext(opts: GlobalOptions): Pick<AppContext, 'db' | 'catalogue' | 'logger'> {
  const base = baseContext(opts);
  const path = base.config.databasePath;
  return { ...base, db: existsSync(path) ? openDb(path, { mustExist: true }) : openDb(':memory:') };
}

/** Splits "a, b c" into ["a", "b", "c"], dropping repeats. */
function splitList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/**
 * `subscribe --email X --services a,b [--cadence daily] [--kinds disruption,maintenance]`:
 * an admin adds (or edits) a staff subscription; it is confirmed at once.
 */
export function subscribeCommand(opts: GlobalOptions & { email: string; services: string; cadence?: string; kinds?: string }): number {
  const email = opts.email.trim();
  const problem = addressProblem(email);
  if (problem) throw new UsageError(problem);
  const cadence = (opts.cadence ?? 'daily').trim();
  if (!(CADENCES as readonly string[]).includes(cadence)) {
    throw new UsageError(`unknown cadence "${cadence}"; use one of ${CADENCES.join(', ')}`);
  }
  const kinds = opts.kinds === undefined ? [...KINDS] : splitList(opts.kinds);
  const badKinds = kinds.filter((k) => !(KINDS as readonly string[]).includes(k));
  if (kinds.length === 0 || badKinds.length > 0) {
    throw new UsageError(`unknown kind ${badKinds.map((k) => `"${k}"`).join(', ') || '(none given)'}; use ${KINDS.join(', ')}`);
  }
  const services = splitList(opts.services);
  if (services.length === 0) throw new UsageError('--services needs at least one service id, e.g. 1177-journal,npo');

  const ctx = openContext(opts);
  try {
    const unknown = services.filter((id) => !ctx.catalogue.byId(id));
    if (unknown.length > 0) {
      throw new UsageError(`unknown service ${unknown.map((id) => `"${id}"`).join(', ')}`, {
        hint: 'service ids are listed in defaults/services.yaml',
      });
    }
    const sub = upsertSubscription(
      ctx.db,
      { email, services, cadence: cadence as Cadence, kinds: kinds as Kind[], confirmed: true },
      storedTime(ctx.clock.now()),
    );
    process.stdout.write(`subscribed ${sub.email}: ${sub.services.join(', ')} (${sub.cadence}; ${sub.kinds.join(', ')})\n`);
    if (isSuppressed(ctx.db, email)) {
      // The address unsubscribed itself once; an admin action does not override that.
      ctx.logger.warn({ email }, 'this address has unsubscribed from all mail; nothing will be sent to it');
    }
    ctx.logger.info({ email: sub.email, services: sub.services, cadence: sub.cadence }, 'subscription added by admin');
    return 0;
  } finally {
    ctx.db.close();
  }
}
