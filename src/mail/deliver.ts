/**
 * The delivery worker: claims due outbox rows and sends them one by one. At-least-once: a
 * row is marked sent only after the transport accepted it, and a crash leaves it `sending`
 * for requeueStuck to pick up again.
 */
import { createHash } from 'node:crypto';
import { SmtpError, describeError } from '../domain/errors.js';
import type { AppContext } from '../app/context.js';
import type { OutboxMessage } from '../domain/message.js';
import { claimDue, markDeferred, markFailed, markRetry, markSent, releaseClaimed } from '../store/outbox.repo.js';
import { isSuppressed } from '../store/subscriptions.repo.js';
import { storedTime } from '../util/time.js';
import { SmtpConnectionError, type OutgoingMail, type Transport } from './transport.js';

/** What the worker needs, all injected: database, transport, clock and retry policy. */
export interface DeliverDeps extends Pick<AppContext, 'db' | 'clock' | 'logger'> {
  transport: Transport;
  /** Attempts (temporary failures included) after which a message is marked failed. */
  maxAttempts: number;
  /** First retry delay; doubled per attempt already made, plus up to 25 % jitter. */
  backoffMs: number;
  /** Display name for the From header; the address is the row's own. */
  sender: { name: string; address: string };
  /** Jitter source in [0, 1); tests pass () => 0. */
  random?: () => number;
}

/** Counts for one run. */
export interface DeliverResult {
  sent: number;
  /** Temporary failures, due again later. */
  retried: number;
  failed: number;
}

/**
 * Sends every due message (at most `limit`), claiming one at a time: a claim is then never
 * older than one send, so the lease that lets another process recover a crashed run's rows
 * can never expire on a row this worker is still about to send. A temporary failure is
 * retried later with exponential backoff until `maxAttempts`; a permanent one fails at once.
 * When the server is unreachable the run stops, with no attempt used up. After `signal`
 * fires, the message in flight is finished and no other is claimed.
 */
export async function deliverDue(deps: DeliverDeps, opts: { limit?: number; signal?: AbortSignal } = {}): Promise<DeliverResult> {
  const { db, logger } = deps;
  const result: DeliverResult = { sent: 0, retried: 0, failed: 0 };
  // With a zero backoff a retried row is due again at once; never take one twice per run.
  const seen = new Set<number>();
  for (let budget = opts.limit ?? Number.POSITIVE_INFINITY; budget > 0 && !opts.signal?.aborted; budget--) {
    const [row] = claimDue(db, storedTime(deps.clock.now()), 1);
    if (!row) break;
    if (seen.has(row.id)) {
      releaseClaimed(db, [row.id], null);
      break;
    }
    seen.add(row.id);
    if ((await sendOne(deps, row, result)) === 'unreachable') break;
  }
  if (result.sent + result.retried + result.failed > 0) logger.info({ ...result }, 'delivery run finished');
  return result;
}

/** Sends one claimed message and records the outcome; 'unreachable' when the run must stop. */
async function sendOne(deps: DeliverDeps, row: OutboxMessage, result: DeliverResult): Promise<'done' | 'unreachable'> {
  const { db, logger, transport } = deps;
  const log = { messageId: row.messageId, outboxId: row.id, to: row.to, kind: row.kind };
  // Someone who unsubscribed after this was queued (during an SMTP outage, say) gets
  // nothing more. An admin's resend is a deliberate, logged exception.
  if (row.kind !== 'resend' && isSuppressed(db, row.to)) {
    markFailed(db, row.id, 'not sent: the recipient has unsubscribed', storedTime(deps.clock.now()));
    result.failed++;
    logger.info(log, 'mail dropped: recipient unsubscribed');
    return 'done';
  }
  try {
    const res = await transport.send(toOutgoing(row, deps.sender));
    if (!res.accepted) {
      throw new SmtpError(`SMTP server did not accept the recipient: ${res.response ?? 'no reply'}`, {
        temporary: false,
        hint: 'check the recipient address',
      });
    }
    markSent(db, row.id, storedTime(deps.clock.now()), transport.name);
    result.sent++;
    logger.info({ ...log, transport: transport.name, attempts: row.attempts + 1 }, 'mail sent');
    return 'done';
  } catch (err) {
    const error = err instanceof SmtpError ? err : new SmtpError('sending failed', { cause: err, temporary: true });
    const now = deps.clock.now();
    const attempts = row.attempts + 1;
    const retryAt = storedTime(new Date(now.getTime() + backoff(deps, row.attempts)));
    if (error instanceof SmtpConnectionError) {
      // The server, not the message, is the problem: no attempt is used up, however long the outage.
      markDeferred(db, row.id, describeError(error), retryAt);
      result.retried++;
      logger.warn({ ...log, retryAt, err: describeError(error) }, 'SMTP server unavailable; mail stays queued and this run stops');
      return 'unreachable';
    }
    if (!error.temporary || attempts >= deps.maxAttempts) {
      markFailed(db, row.id, describeError(error), storedTime(now));
      result.failed++;
      logger.error({ ...log, attempts, err: describeError(error) }, 'mail failed for good');
    } else {
      markRetry(db, row.id, describeError(error), retryAt);
      result.retried++;
      logger.warn({ ...log, attempts, retryAt, err: describeError(error) }, 'mail deferred; will retry');
    }
    return 'done';
  }
}

/** backoffMs · 2^attempts, plus up to 25 % jitter so retries of one outage do not bunch up. */
function backoff(deps: DeliverDeps, attemptsBefore: number): number {
  const base = deps.backoffMs * 2 ** attemptsBefore;
  return Math.round(base * (1 + 0.25 * (deps.random ?? Math.random)()));
}

function toOutgoing(row: OutboxMessage, sender: { name: string; address: string }): OutgoingMail {
  return {
    from: { name: sender.name, address: row.from || sender.address },
    to: row.to,
    replyTo: row.replyTo,
    subject: row.subject,
    html: row.html,
    text: row.text,
    messageId: row.messageId,
    headers: row.headers,
  };
}

/**
 * The headers every automated message carries: one-click unsubscribe (RFC 8058, both the
 * https and the mailto form), Auto-Submitted (RFC 3834) so auto-responders stay quiet, and
 * the message kind for filtering.
 */
export function buildHeaders(opts: { unsubscribeHttps: string; unsubscribeMailto: string; kind: string }): Record<string, string> {
  return {
    'List-Unsubscribe': `<${opts.unsubscribeHttps}>, <${opts.unsubscribeMailto}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    ...autoHeaders(opts.kind),
  };
}

/** The headers of a message with no unsubscribe (a notice to the team, a login link): automated, of this kind. */
export function autoHeaders(kind: string): Record<string, string> {
  return { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All', 'X-Driftkoll-Kind': kind };
}

/** The domain Message-IDs are made in: the sender address's. */
export function senderDomain(address: string): string {
  return address.split('@')[1] ?? 'driftkoll.invalid';
}

/** A Message-ID derived from the idempotency key, so every attempt and a crash repeat share it. */
export function makeMessageId(key: string, domain: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 24)}@${domain}>`;
}
