/** CLI actions that enqueue and deliver mail: notify, digest, outbox, resend. */
import { userInfo } from 'node:os';
import { UsageError } from '../../domain/errors.js';
import { drainOutbox } from '../../mail/drain.js';
import { notifyPending } from '../../notify/alerts.js';
import { planDigests, sendDigests } from '../../notify/digests.js';
import { sendReminders } from '../../notify/reminders.js';
import { resendMessage } from '../../notify/resend.js';
import { hasUnit } from '../../store/directory.repo.js';
import { messageJson } from '../../domain/present.js';
import { listMessages } from '../../store/outbox.repo.js';
import { openContext, type AppContext } from '../../app/context.js';
import type { GlobalOptions } from '../options.js';

/** Opens the context with a renderer, runs `fn`, then delivers everything due; exit 1 when a send failed. */
async function withDelivery(opts: GlobalOptions, fn: (ctx: AppContext) => Promise<void>): Promise<number> {
  const ctx = openContext(opts);
  try {
    await fn(ctx);
    const result = await drainOutbox(ctx);
    process.stdout.write(`delivered: ${result.sent} sent, ${result.retried} to retry, ${result.failed} failed\n`);
    return result.failed > 0 || result.retried > 0 ? 1 : 0;
  } finally {
    ctx.db.close();
  }
}

/** `notify`: alerts for pending changes and reminders due, then delivery. */
export function notifyCommand(opts: GlobalOptions): Promise<number> {
  return withDelivery(opts, async (deps) => {
    const alerts = await notifyPending(deps);
    const reminders = await sendReminders(deps);
    process.stdout.write(`notify: ${alerts.changes} changes handled, ${alerts.alerts} alerts and ${reminders} reminders enqueued\n`);
  });
}

/** `digest [--send] [--administration ID]`: preview, or enqueue and deliver, the current slot's digests. */
export async function digestCommand(opts: GlobalOptions & { send?: boolean; administration?: string; json?: boolean }): Promise<number> {
  if (opts.send) {
    return withDelivery(opts, async (deps) => {
      checkUnit(deps, opts.administration);
      const r = await sendDigests(deps, { unitId: opts.administration });
      process.stdout.write(
        `digest: ${r.planned} recipients, ${r.enqueued} enqueued, ${r.empty} empty, ${r.alreadySent} already sent this slot\n`,
      );
    });
  }
  const ctx = openContext(opts);
  try {
    checkUnit(ctx, opts.administration);
    const plan = planDigests(ctx, { unitId: opts.administration });
    const rows = [];
    for (const p of plan) {
      const rendered = await ctx.renderer.render(p.data, {
        now: ctx.clock.now(),
        sender: ctx.config.sender,
        serviceName: (id) => ctx.catalogue.nameOf(id),
      });
      rows.push({
        to: p.recipient.email,
        cadence: p.recipient.cadence,
        slot: p.slot.toISOString(),
        empty: p.empty,
        alreadySent: p.done,
        subject: rendered.subject,
        text: rendered.text,
      });
    }
    if (opts.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else for (const r of rows) process.stdout.write(`${r.to}\t${r.empty ? 'empty' : r.alreadySent ? 'sent' : 'due'}\t${r.subject}\n`);
    return 0;
  } finally {
    ctx.db.close();
  }
}

function checkUnit(ctx: Pick<AppContext, 'db'>, unitId: string | undefined): void {
  if (!unitId) return;
  if (!hasUnit(ctx.db, unitId))
    throw new UsageError(`no administration or object "${unitId}" in the directory (import one with: driftkoll directory import FILE)`);
}

/** `outbox --json`: the delivery log. */
export function outboxCommand(opts: GlobalOptions & { json?: boolean; limit?: string }): number {
  const ctx = openContext(opts);
  try {
    const rows = listMessages(ctx.db, { limit: opts.limit ? Number.parseInt(opts.limit, 10) : 1000 });
    if (opts.json) process.stdout.write(`${JSON.stringify(rows.map(messageJson), null, 2)}\n`);
    else for (const r of rows) process.stdout.write(`${r.id}\t${r.kind}\t${r.status}\t${r.attempts}\t${r.to}\t${r.subject}\n`);
    return 0;
  } finally {
    ctx.db.close();
  }
}

/** `resend --message ID [--to EMAIL] --reason TEXT`: a logged copy, then delivery. */
export function resendCommand(opts: GlobalOptions & { message: string; to?: string; reason?: string; by?: string }): Promise<number> {
  const id = Number.parseInt(opts.message, 10);
  if (!Number.isInteger(id) || String(id) !== opts.message.trim()) throw new UsageError(`--message takes an outbox id: ${opts.message}`);
  if (!opts.reason?.trim()) throw new UsageError('resend needs --reason TEXT (it is logged with the copy)');
  return withDelivery(opts, async (deps) => {
    const newId = await resendMessage(deps, { messageId: id, to: opts.to, reason: opts.reason!, requestedBy: opts.by ?? safeUser() });
    process.stdout.write(`resend: message ${newId} enqueued as a copy of ${id}\n`);
  });
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch (err) {
    return `unknown (${(err as Error).message})`;
  }
}
