/**
 * The delivery worker: claims due outbox rows and sends them one by one. At-least-once: a
 * row is marked sent only after the transport accepted it, and a crash leaves it `sending`
 * for requeueStuck to pick up again.
 */
import { createHash } from 'node:crypto';
import { SmtpError, describeError } from '../domain/errors.js';
import {
  claimDue,
  markDeferred,
  markFailed,
  markRetry,
  markSent,
  releaseClaimed,
  type OutboxRow,
} from '../store/outbox.repo.js';
import type { Db } from '../store/db.js';
import { isSuppressed } from '../store/subscriptions.repo.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { storedTime } from '../util/time.js';
import { SmtpConnectionError, type OutgoingMail, type Transport } from './transport.js';

/** What the worker needs, all injected: database, transport, clock and retry policy. */
export interface DeliverDeps {
  db: Db;
  transport: Transport;
  clock: Clock;
  logger: Logger;
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
  /** Claimed but not attempted (server unreachable or aborted), back to queued unchanged. */
  deferred: number;
}

/**
 * Claim one message at a time: a claim is then never older than one send, so the lease
 * that lets another process recover a crashed run's rows can never expire on a row this
 * worker is still about to send (a batch of slow sends could outlive it).
 */
const BATCH = 1;

/**
 * Sends every due message (at most `limit`), in claimed batches. A temporary failure is
 * retried later with exponential backoff until `maxAttempts`; a permanent one fails at once.
 * When the server is unreachable, the rest of the batch goes back to queued without losing
 * an attempt and the run stops. After `signal` fires, the message in flight is finished and
 * the rest are put back.
 */
export async function deliverDue(
  deps: DeliverDeps,
  opts: { limit?: number; signal?: AbortSignal } = {},
): Promise<DeliverResult> {
  const { db, logger } = deps;
  const result: DeliverResult = { sent: 0, retried: 0, failed: 0, deferred: 0 };
  let budget = opts.limit ?? Number.POSITIVE_INFINITY;
  // With a zero backoff a retried row is due again at once; never take one twice per run.
  const seen = new Set<number>();

  while (budget > 0 && !opts.signal?.aborted) {
    const batch = claimDue(db, storedTime(deps.clock.now()), Math.min(BATCH, budget));
    const fresh = batch.filter((row) => !seen.has(row.id));
    if (fresh.length < batch.length) {
      releaseClaimed(db, batch.filter((row) => seen.has(row.id)).map((row) => row.id), null);
    }
    if (fresh.length === 0) break;
    budget -= fresh.length;

    const stop = await sendBatch(deps, fresh, result, opts.signal);
    for (const row of fresh) seen.add(row.id);
    if (stop) break;
  }
  if (result.sent + result.retried + result.failed + result.deferred > 0) {
    logger.info({ ...result }, 'delivery run finished');
  }
  return result;
}

/** Sends one claimed batch; true when the run must stop (server unreachable or aborted). */
async function sendBatch(
  deps: DeliverDeps,
  rows: OutboxRow[],
  result: DeliverResult,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const { db, logger, transport } = deps;
  let next = 0;
  try {
    while (next < rows.length) {
      if (signal?.aborted) {
        result.deferred += releaseClaimed(db, rows.slice(next).map((r) => r.id), null);
        logger.info({ deferred: rows.length - next }, 'delivery aborted; unsent messages put back in the queue');
        next = rows.length;
        return true;
      }
      const row = rows[next++]!;
      const log = { messageId: row.messageId, outboxId: row.id, to: row.to, kind: row.kind };
      // Someone who unsubscribed after this was queued (during an SMTP outage, say) gets
      // nothing more. An admin's resend is a deliberate, logged exception.
      if (row.kind !== 'resend' && isSuppressed(db, row.to)) {
        markFailed(db, row.id, 'not sent: the recipient has unsubscribed', storedTime(deps.clock.now()));
        result.failed++;
        logger.info(log, 'mail dropped: recipient unsubscribed');
        continue;
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
      } catch (err) {
        const error = err instanceof SmtpError ? err : new SmtpError('sending failed', { cause: err, temporary: true });
        const now = deps.clock.now();
        const attempts = row.attempts + 1;
        const retryAt = storedTime(new Date(now.getTime() + backoff(deps, row.attempts)));
        if (error instanceof SmtpConnectionError) {
          // The server, not the message, is the problem: no attempt is used up, however long the outage.
          markDeferred(db, row.id, describeError(error), retryAt);
          result.retried++;
          logger.warn({ ...log, retryAt, err: describeError(error) }, 'SMTP server unavailable; mail stays queued');
        } else if (!error.temporary || attempts >= deps.maxAttempts) {
          markFailed(db, row.id, describeError(error), storedTime(now));
          result.failed++;
          logger.error({ ...log, attempts, err: describeError(error) }, 'mail failed for good');
        } else {
          markRetry(db, row.id, describeError(error), retryAt);
          result.retried++;
          logger.warn({ ...log, attempts, retryAt, err: describeError(error) }, 'mail deferred; will retry');
        }
        if (error instanceof SmtpConnectionError) {
          const rest = rows.slice(next).map((r) => r.id);
          next = rows.length;
          result.deferred += releaseClaimed(db, rest, retryAt);
          logger.warn(
            { deferred: rest.length, retryAt, err: describeError(error) },
            'SMTP server unavailable; stopping this run, the rest are put back in the queue',
          );
          return true;
        }
      }
    }
    return false;
  } finally {
    // Only an unexpected error (a failing database write) gets here with rows left over.
    if (next < rows.length) result.deferred += releaseClaimed(db, rows.slice(next).map((r) => r.id), null);
  }
}

/** backoffMs · 2^attempts, plus up to 25 % jitter so retries of one outage do not bunch up. */
function backoff(deps: DeliverDeps, attemptsBefore: number): number {
  const base = deps.backoffMs * 2 ** attemptsBefore;
  return Math.round(base * (1 + 0.25 * (deps.random ?? Math.random)()));
}

function toOutgoing(row: OutboxRow, sender: { name: string; address: string }): OutgoingMail {
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
    'Auto-Submitted': 'auto-generated',
    'X-Auto-Response-Suppress': 'All',
    'X-Driftkoll-Kind': opts.kind,
  };
}

/** A Message-ID derived from the idempotency key, so every attempt and a crash repeat share it. */
export function makeMessageId(key: string, domain: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 24)}@${domain}>`;
}
