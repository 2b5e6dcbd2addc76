/** `admin login-link EMAIL`: prints a one-use login link for the admin console (the first login). */
import { userInfo } from 'node:os';
import { openContext } from '../../app/context.js';
import { UsageError } from '../../domain/errors.js';
import { recordAudit } from '../../store/audit.repo.js';
import { storedTime } from '../../util/time.js';
import { createLoginLink, isAdmin, LOGIN_LINK_MS } from '../../web/auth.js';
import type { GlobalOptions } from '../options.js';

/** Prints the link on stdout; the address must be listed under `admins:` in the config. */
export function adminLoginLinkCommand(opts: GlobalOptions & { email: string }): number {
  const ctx = openContext(opts);
  try {
    const email = opts.email.trim().toLowerCase();
    if (!isAdmin(ctx, email)) {
      throw new UsageError(`${email} is not listed under admins: in ${ctx.config.origin}; add it there first`);
    }
    const link = createLoginLink(ctx, email);
    recordAudit(ctx.db, {
      at: storedTime(ctx.clock.now()),
      actor: `cli:${userInfo().username}`,
      action: 'login-link',
      target: email,
      reason: null,
    });
    process.stdout.write(`${link}\n`);
    ctx.logger.info({ minutes: LOGIN_LINK_MS / 60_000 }, 'admin login link printed; it works once');
    return 0;
  } finally {
    ctx.db.close();
  }
}
