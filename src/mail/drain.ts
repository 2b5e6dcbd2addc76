/** Drains the outbox once: the delivery step every enqueuing command and the scheduler share. */
import type { Config } from '../config/load.js';
import type { Db } from '../store/db.js';
import { requeueStuck } from '../store/outbox.repo.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { deliverDue } from './deliver.js';
import { createTransport } from './transport.js';

export interface DrainContext {
  db: Db;
  config: Pick<Config, 'smtpUrl' | 'delivery' | 'sender'>;
  clock: Clock;
  logger: Logger;
}

/** A claim older than this is taken to be from a process that died mid-send. */
export const SENDING_LEASE_MS = 10 * 60_000;

/**
 * Returns crashed `sending` rows to the queue (those whose lease ran out), then delivers
 * everything due now; stops between messages when `signal` fires.
 */
export async function drainOutbox(ctx: DrainContext, signal?: AbortSignal): Promise<{ sent: number; retried: number; failed: number }> {
  const stuck = requeueStuck(ctx.db, new Date(ctx.clock.now().getTime() - SENDING_LEASE_MS).toISOString());
  if (stuck) ctx.logger.warn({ messages: stuck }, 'messages left sending by an earlier run returned to the queue');
  const transport = createTransport(ctx.config.smtpUrl, ctx.logger);
  try {
    return await deliverDue({
      db: ctx.db,
      transport,
      clock: ctx.clock,
      logger: ctx.logger,
      maxAttempts: ctx.config.delivery.maxAttempts,
      backoffMs: ctx.config.delivery.backoffMs,
      sender: ctx.config.sender,
    }, { signal });
  } finally {
    await transport.close();
  }
}
