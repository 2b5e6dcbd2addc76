/** CLI actions that enqueue and deliver mail: notify, digest, deliver, outbox, outbox show, resend. */
import { userInfo } from 'node:os';
import { UsageError } from '../../domain/errors.js';
import { drainOutbox } from '../../mail/drain.js';
import { notifyPending } from '../../notify/alerts.js';
import { planDigests, sendDigests } from '../../notify/digests.js';
import { sendReminders } from '../../notify/reminders.js';
import { resendMessage } from '../../notify/resend.js';
import { renderContext } from '../../notify/compose.js';
import { hasUnit } from '../../store/directory.repo.js';
import { messageDetailJson, messageJson } from '../../domain/present.js';
import type { MessageKind, MessageStatus } from '../../domain/message.js';
import { getMessage, listMessages, listOutboxHistory, type OutboxHistoryEntry } from '../../store/outbox.repo.js';
import { count } from '../../util/plural.js';
import { localIso } from '../../util/time.js';
import { openContext, openExistingContext, type AppContext } from '../../app/context.js';
import type { GlobalOptions } from '../options.js';

/** Opens the context with a renderer, runs `fn`, then delivers everything due; exit 1 when a send failed. */
async function withDelivery(opts: GlobalOptions, fn: (ctx: AppContext) => Promise<void>): Promise<number> {
  const ctx = openContext(opts);
  try {
    await fn(ctx);
    const result = await drainOutbox(ctx);
    process.stdout.write(`delivered: ${result.sent} sent, ${result.retried} to retry, ${result.failed} failed\n`);
    if (result.retried > 0 || result.failed > 0) {
      process.stderr.write('driftkoll: not everything was delivered; see `driftkoll outbox --status failed` and `--status queued`\n');
    }
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
    process.stdout.write(
      `notify: ${count(alerts.changes, 'change')} handled, ${count(alerts.alerts, 'alert')} and ${count(reminders, 'reminder')} enqueued\n`,
    );
  });
}

/** `digest [--send] [--administration ID]`: preview, or enqueue and deliver, the current slot's digests. */
export async function digestCommand(opts: GlobalOptions & { send?: boolean; administration?: string; json?: boolean }): Promise<number> {
  if (opts.send) {
    return withDelivery(opts, async (deps) => {
      checkUnit(deps, opts.administration);
      const r = await sendDigests(deps, { unitId: opts.administration });
      process.stdout.write(
        `digest: ${count(r.planned, 'recipient')}, ${r.enqueued} enqueued, ${r.empty} empty, ${r.alreadySent} already sent this slot\n`,
      );
    });
  }
  const ctx = openContext(opts);
  try {
    checkUnit(ctx, opts.administration);
    const plan = planDigests(ctx, { unitId: opts.administration });
    const rows = [];
    for (const p of plan) {
      const rendered = await ctx.renderer.render(p.data, renderContext(ctx));
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

/** `deliver`: sends what is due now; exit 1 when anything failed or must be retried. */
export function deliverCommand(opts: GlobalOptions): Promise<number> {
  return withDelivery(opts, async () => undefined);
}

/** `outbox [--json] [--limit N] [--status S] [--kind K] [--to EMAIL]`: the delivery log, newest first. */
export function outboxCommand(
  opts: GlobalOptions & { json?: boolean; limit?: number; status?: MessageStatus; kind?: MessageKind; to?: string },
): number {
  const ctx = openExistingContext(opts);
  try {
    const rows = listMessages(ctx.db, { limit: opts.limit ?? 1000, status: opts.status, kind: opts.kind, to: opts.to?.trim() });
    if (opts.json) process.stdout.write(`${JSON.stringify(rows.map(messageJson), null, 2)}\n`);
    else for (const r of rows) process.stdout.write(`${r.id}\t${r.kind}\t${r.status}\t${r.attempts}\t${r.to}\t${r.subject}\n`);
    return 0;
  } finally {
    ctx.db.close();
  }
}

/** `outbox show ID [--json]`: one message's headers, text part and status history. */
export function outboxShowCommand(opts: GlobalOptions & { id: string; json?: boolean }): number {
  const id = outboxId(opts.id, 'outbox show');
  const ctx = openExistingContext(opts);
  try {
    const m = getMessage(ctx.db, id);
    if (!m) throw new UsageError(`no message ${id} in the outbox (list them with: driftkoll outbox)`);
    const history = listOutboxHistory(ctx.db, id);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(messageDetailJson(m, history), null, 2)}\n`);
      return 0;
    }
    const headers: [string, string | null][] = [
      ['From', `${ctx.config.sender.name} <${m.from}>`],
      ['To', m.to],
      ['Reply-To', m.replyTo],
      ['Subject', m.subject],
      ['Message-ID', m.messageId],
      ...Object.entries(m.headers),
    ];
    const lines = [
      `message ${m.id}: ${m.kind}, ${m.status}, ${count(m.attempts, 'attempt')}${m.transport ? ` via ${m.transport}` : ''}`,
      ...(m.originalId ? [`copy of message ${m.originalId}, asked for by ${m.requestedBy ?? 'unknown'}: ${m.reason ?? ''}`] : []),
      '',
      ...headers.filter((h): h is [string, string] => h[1] !== null).map(([k, v]) => `${k}: ${v}`),
      '',
      'history:',
      ...history.map((h, i) => `  ${localIso(h.at)}  ${historyStep(h, i)}`),
      '',
      '--- text part ---',
      m.text.replace(/\n+$/, ''),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    ctx.db.close();
  }
}

/** One history line: the first `queued` is the enqueue; a later one is a return to the queue, timed by when it is due. */
function historyStep(h: OutboxHistoryEntry, index: number): string {
  const error = h.error ? `: ${h.error}` : '';
  if (h.status === 'queued' && index > 0) return `due again${h.attempts ? ` after ${count(h.attempts, 'attempt')}` : ''}${error}`;
  return `${h.status}${h.attempts ? ` (${count(h.attempts, 'attempt')})` : ''}${error}`;
}

function outboxId(text: string, command: string): number {
  const id = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(id)) throw new UsageError(`${command} takes an outbox id (a number): ${text}`);
  return id;
}

/** `resend --message ID [--to EMAIL] --reason TEXT`: a logged copy, then delivery. */
export function resendCommand(opts: GlobalOptions & { message: string; to?: string; reason?: string; by?: string }): Promise<number> {
  const id = outboxId(opts.message, 'resend --message');
  if (!opts.reason?.trim()) throw new UsageError('resend needs --reason TEXT (it is logged with the copy)');
  return withDelivery(opts, async (deps) => {
    const newId = await resendMessage(deps, { outboxId: id, to: opts.to, reason: opts.reason!, requestedBy: opts.by ?? safeUser() });
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
