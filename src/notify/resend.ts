/** Manual resends: a new message referencing the original, with who asked, when and why. */
import { addressProblem } from '../domain/address.js';
import { UsageError } from '../domain/errors.js';
import { readMessageData, type MessageData } from '../mail/types.js';
import { countResends, enqueue, getMessage } from '../store/outbox.repo.js';
import { compose, recipientLinks, type NotifyDeps } from './compose.js';

export interface ResendRequest {
  /** The outbox id of the original. */
  outboxId: number;
  to?: string;
  reason: string;
  requestedBy: string;
}

/** Enqueues a copy of outbox message `outboxId` (optionally to another address); returns the new outbox id. */
export async function resendMessage(deps: NotifyDeps, req: ResendRequest): Promise<number> {
  const { db, logger } = deps;
  const original = getMessage(db, req.outboxId);
  if (!original) throw new UsageError(`no message with id ${req.outboxId} in the outbox`);
  if (!req.reason.trim()) throw new UsageError('a resend needs a reason (--reason)');
  const to = req.to?.trim() || original.to;
  const problem = addressProblem(to);
  if (problem) throw new UsageError(problem);
  const source = readMessageData(original.data, original.id);
  const data: MessageData = {
    ...source,
    to,
    links: recipientLinks(deps, to),
    resend: { reason: req.reason.trim(), originalAt: original.sentAt ?? original.createdAt },
  };
  const key = `resend:${original.id}:${countResends(db, original.id) + 1}`;
  const row = await compose(deps, 'resend', key, data, {
    originalId: original.id,
    requestedBy: req.requestedBy,
    reason: req.reason.trim(),
  });
  const { id } = enqueue(db, row);
  logger.info({ outboxId: id, originalId: original.id, to, requestedBy: req.requestedBy, reason: req.reason }, 'resend enqueued');
  return id;
}
