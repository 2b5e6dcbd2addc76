/** Drains the outbox once: the delivery step every enqueuing command and the scheduler share. */
import type { AppContext } from '../app/context.js';
import { requeueStuck } from '../store/outbox.repo.js';
import { deliverDue, type DeliverResult } from './deliver.js';
import { createTransport } from './transport.js';

/** A claim older than this is taken to be from a process that died mid-send. */
export const SENDING_LEASE_MS = 10 * 60_000;

/**
 * Returns crashed `sending` rows to the queue (those whose lease ran out), then delivers
 * everything due now; stops between messages when `signal` fires.
 */
export async function drainOutbox(
  ctx: Pick<AppContext, 'db' | 'config' | 'clock' | 'logger'>,
  signal?: AbortSignal,
): Promise<DeliverResult> {
  const stuck = requeueStuck(ctx.db, new Date(ctx.clock.now().getTime() - SENDING_LEASE_MS).toISOString());
  if (stuck) ctx.logger.warn({ messages: stuck }, 'messages left sending by an earlier run returned to the queue');
  const transport = createTransport(ctx.config.smtpUrl, ctx.logger);
  try {
    return await deliverDue(
      {
        db: ctx.db,
        transport,
        clock: ctx.clock,
        logger: ctx.logger,
        maxAttempts: ctx.config.delivery.maxAttempts,
        backoffMs: ctx.config.delivery.backoffMs,
        sender: ctx.config.sender,
      },
      { signal },
    );
  } finally {
    await transport.close();
  }
}
