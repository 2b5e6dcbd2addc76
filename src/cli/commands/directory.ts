/** CLI actions for who hears what: `directory import FILE` and the admin `subscribe`. */
import { UsageError } from '../../domain/errors.js';
import { CADENCES, KINDS, type Cadence, type Kind } from '../../domain/types.js';
import { formatImportReport, importDirectory, readDirectoryFile } from '../../directory/import.js';
import { isSuppressed, upsertSubscription } from '../../store/subscriptions.repo.js';
import { storedTime } from '../../util/time.js';
import { openContext } from '../../app/context.js';
import type { GlobalOptions } from '../options.js';
import { addressProblem } from '../../domain/address.js';

/** `directory import FILE`: validate the file, then replace the stored directory with it; prints what changed. */
export function directoryImportCommand(opts: GlobalOptions & { file: string }): number {
  const ctx = openContext(opts);
  try {
    // A bad file throws ConfigError before anything is written.
    const directory = readDirectoryFile(opts.file, ctx.catalogue);
    const report = importDirectory(ctx.db, directory);
    for (const line of formatImportReport(report)) process.stdout.write(`${line}\n`);
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
