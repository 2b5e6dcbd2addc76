/**
 * What `serve` should tell the operator at start: set-ups that run without an error but
 * would surprise them later (nobody gets mail, links point at localhost, mail never leaves).
 */
import { listUnits } from '../store/directory.repo.js';
import { listSubscriptions } from '../store/subscriptions.repo.js';
import type { AppContext } from './context.js';

/** One start-up warning: a stable code for logs and tests, and the sentence an operator reads. */
export interface StartWarning {
  code: 'directory-empty' | 'base-url-default' | 'mail-local';
  message: string;
}

/** The warnings that apply to this configuration and database; empty when all is well. */
export function startWarnings(ctx: Pick<AppContext, 'config' | 'db'>): StartWarning[] {
  const { config } = ctx;
  const warnings: StartWarning[] = [];
  if (listUnits(ctx.db).length === 0) {
    const subscribers = listSubscriptions(ctx.db, { confirmedOnly: true }).length;
    warnings.push({
      code: 'directory-empty',
      message:
        `the directory is empty, so no administration gets mail${subscribers ? ` (only ${subscribers} subscriber(s) will)` : ''}: ` +
        'set `directory:` in the config or run `driftkoll directory import FILE`',
    });
  }
  const host = safeHost(config.baseUrl);
  if (config.smtpUrl && (host === 'localhost' || host === '127.0.0.1' || host === '[::1]')) {
    warnings.push({
      code: 'base-url-default',
      message: `mail goes out over SMTP but baseUrl is ${config.baseUrl}: the links in it would point at this machine; set baseUrl or DRIFTKOLL_BASE_URL to the public https address`,
    });
  }
  if (!config.smtpUrl) {
    warnings.push({
      code: 'mail-local',
      message: 'SMTP_URL is not set: mail is only kept in the local outbox (see `driftkoll outbox`) and nobody receives it',
    });
  }
  return warnings;
}

/** Logs each start-up warning once (field `warning` holds the code). */
export function logStartWarnings(ctx: Pick<AppContext, 'config' | 'db' | 'logger'>): StartWarning[] {
  const warnings = startWarnings(ctx);
  for (const w of warnings) ctx.logger.warn({ warning: w.code }, w.message);
  return warnings;
}

function safeHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
