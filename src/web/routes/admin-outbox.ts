/**
 * The outbox in the console: a filtered, paged list, one message as it was sent (HTML in a
 * sandboxed frame, and the text), a resend with a required reason, and the digest preview.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MESSAGE_KINDS, MESSAGE_STATUSES, type MessageKind, type MessageStatus } from '../../domain/message.js';
import { DriftkollError } from '../../domain/errors.js';
import { formatDateTime } from '../../domain/format-sv.js';
import { messageDataSchema } from '../../mail/types.js';
import { planDigests } from '../../notify/digests.js';
import { resendMessage } from '../../notify/resend.js';
import { findMessages } from '../../store/browse.repo.js';
import { listUnits } from '../../store/directory.repo.js';
import { getMessage } from '../../store/outbox.repo.js';
import { cleanEmail, one, pageNumber, PAGE_SIZE, redirect, TYPES } from '../http.js';
import type { WebDeps } from '../server.js';
import { adminOf, audit, FLASH, pager } from './admin.js';

const STATUS_SV: Record<MessageStatus, string> = { queued: 'i kö', sending: 'skickas', sent: 'skickat', failed: 'misslyckat' };
const KIND_SV: Record<MessageKind, string> = { alert: 'larm', digest: 'sammanfattning', reminder: 'påminnelse', resend: 'omskick' };
/** The web app's own mails travel as alerts; the console names them by their template. */
const TEMPLATE_SV: Record<string, string> = { 'web-confirm': 'bekräftelselänk', 'web-login': 'inloggningslänk' };
const kindLabel = (m: { kind: MessageKind; template: string }) => TEMPLATE_SV[m.template] ?? KIND_SV[m.kind];
/** The frame a sent mail is shown in: its own inline styles, no script, no requests out, no forms. */
const MAIL_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'";
/** The console's message page may frame the mail from our own origin. */
const FRAMING_CSP = "default-src 'none'; style-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * Runs `fn` in a transaction that is always rolled back: planning a digest stores the manage
 * tokens of the links it would carry, and a preview (a GET) must change nothing.
 */
function rolledBack<T>(db: WebDeps['ctx']['db'], fn: () => T): T {
  const rollback = new Error('preview only');
  let result: T | undefined;
  try {
    db.transaction(() => {
      result = fn();
      throw rollback;
    })();
  } catch (err) {
    if (err !== rollback) throw err;
  }
  return result as T;
}

/** Registers the outbox and preview pages (inside the guarded admin scope). */
export function outboxRoutes(app: FastifyInstance, deps: WebDeps): void {
  const { ctx } = deps;
  const { db, config } = ctx;
  const notifyDeps = () => ({ ...ctx, renderer: ctx.renderer });
  const readOnly = <T>(fn: () => T) => rolledBack(db, fn);
  const mailFrame = (reply: FastifyReply, body: string) =>
    reply.header('content-security-policy', MAIL_CSP).header('x-frame-options', 'SAMEORIGIN').type(TYPES.html).send(body);

  app.get('/admin/utskick', (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const page = pageNumber(q);
    const status = (MESSAGE_STATUSES as readonly string[]).includes(one(q.status)) ? (one(q.status) as MessageStatus) : undefined;
    const kind = (MESSAGE_KINDS as readonly string[]).includes(one(q.typ)) ? (one(q.typ) as MessageKind) : undefined;
    const to = one(q.mottagare).trim() || undefined;
    const rows = findMessages(db, { status, kind, to }, { limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
    const now = ctx.clock.now();
    return deps.page(
      req,
      reply,
      200,
      'admin-outbox',
      { title: 'Utskick' },
      {
        messages: rows.slice(0, PAGE_SIZE).map((m) => ({
          id: m.id,
          to: m.to,
          subject: m.subject,
          kind: kindLabel(m),
          status: STATUS_SV[m.status],
          failed: m.status === 'failed',
          created: formatDateTime(m.createdAt, now),
          sent: m.sentAt ? formatDateTime(m.sentAt, now) : '–',
        })),
        statuses: MESSAGE_STATUSES.map((s) => ({ value: s, label: STATUS_SV[s], selected: s === status })),
        kinds: MESSAGE_KINDS.map((k) => ({ value: k, label: KIND_SV[k], selected: k === kind })),
        to: to ?? '',
        ...pager('/admin/utskick', { status, typ: kind, mottagare: to }, page, rows.length),
      },
    );
  });

  const messagePage = (req: FastifyRequest, reply: FastifyReply, id: number, status: number, error: string | null) => {
    const m = getMessage(db, id);
    if (!m) return deps.page(req, reply, 404, 'not-found', { title: 'Sidan finns inte' });
    const now = ctx.clock.now();
    // Only the pipeline's own messages can be rebuilt; a login or confirmation link is never resent.
    const resendable = messageDataSchema.safeParse(m.data).success;
    reply.header('content-security-policy', FRAMING_CSP);
    return deps.page(
      req,
      reply,
      status,
      'admin-message',
      { title: `Utskick ${m.id}` },
      {
        m: {
          id: m.id,
          to: m.to,
          subject: m.subject,
          kind: kindLabel(m),
          template: m.template,
          status: STATUS_SV[m.status],
          attempts: m.attempts,
          created: formatDateTime(m.createdAt, now),
          sent: m.sentAt ? formatDateTime(m.sentAt, now) : null,
          lastError: m.lastError,
          messageId: m.messageId,
          originalId: m.originalId,
          reason: m.reason,
          requestedBy: m.requestedBy,
          text: m.text,
          failed: m.status === 'failed',
        },
        headers: Object.entries(m.headers).map(([name, value]) => ({ name, value })),
        resendable,
        error,
        flash: FLASH[one((req.query as Record<string, unknown>).klart)] ?? null,
      },
    );
  };

  app.get('/admin/utskick/:id', (req, reply) => {
    const id = Number((req.params as { id: string }).id);
    if (!Number.isSafeInteger(id)) return deps.page(req, reply, 404, 'not-found', { title: 'Sidan finns inte' });
    return messagePage(req, reply, id, 200, null);
  });

  app.get('/admin/utskick/:id/html', (req, reply) => {
    const m = getMessage(db, Number((req.params as { id: string }).id) || 0);
    if (!m) return deps.page(req, reply, 404, 'not-found', { title: 'Sidan finns inte' });
    return mailFrame(reply, m.html);
  });

  app.post('/admin/utskick/:id/skicka-igen', async (req, reply) => {
    const id = Number((req.params as { id: string }).id);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const reason = one(body.reason).trim();
    const toRaw = one(body.to).trim();
    const to = toRaw ? cleanEmail(toRaw) : undefined;
    const original = Number.isSafeInteger(id) ? getMessage(db, id) : undefined;
    if (!original) return deps.page(req, reply, 404, 'not-found', { title: 'Sidan finns inte' });
    if (!reason) return messagePage(req, reply, id, 400, 'Skriv varför utskicket ska skickas igen.');
    if (toRaw && !to) return messagePage(req, reply, id, 400, 'Skriv en giltig e-postadress, eller lämna fältet tomt.');
    if (!messageDataSchema.safeParse(original.data).success)
      return messagePage(req, reply, id, 400, 'Det här utskicket kan inte skickas igen.');
    try {
      const newId = await resendMessage(notifyDeps(), { outboxId: id, to, reason, requestedBy: adminOf(deps, req) });
      audit(deps, req, 'resend', `utskick ${id}`, reason, { newId, to: to ?? original.to });
      return redirect(reply, `/admin/utskick/${newId}?klart=skickas`);
    } catch (err) {
      if (err instanceof DriftkollError) return messagePage(req, reply, id, 400, 'Utskicket kunde inte skickas igen.');
      throw err;
    }
  });

  /** The digest plan item the preview form asks for. */
  const previewFor = (q: Record<string, unknown>) => {
    const unitId = one(q.forvaltning) || undefined;
    const email = one(q.adress).trim().toLowerCase() || undefined;
    if (!unitId && !email) return { unitId, email, item: undefined, asked: false };
    const plan = readOnly(() => planDigests(notifyDeps(), { unitId }));
    const item = email ? plan.find((p) => p.recipient.email.toLowerCase() === email) : plan[0];
    return { unitId, email, item, asked: true };
  };
  const render = (item: NonNullable<ReturnType<typeof previewFor>['item']>) =>
    ctx.renderer.render(item.data, { now: ctx.clock.now(), sender: config.sender, serviceName: (id) => ctx.catalogue.nameOf(id) });

  app.get('/admin/forhandsgranska', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const { unitId, email, item, asked } = previewFor(q);
    const rendered = item ? await render(item) : undefined;
    const params = new URLSearchParams();
    if (unitId) params.set('forvaltning', unitId);
    if (email) params.set('adress', email);
    reply.header('content-security-policy', FRAMING_CSP);
    return deps.page(
      req,
      reply,
      200,
      'admin-preview',
      { title: 'Förhandsgranska sammanfattning' },
      {
        units: listUnits(db).map((u) => ({ value: u.id, label: u.name, selected: u.id === unitId })),
        email: email ?? '',
        asked,
        found: Boolean(rendered),
        to: item?.recipient.email ?? '',
        cadence: item ? (item.recipient.cadence === 'daily' ? 'daglig' : 'veckovis') : '',
        empty: item?.empty ?? false,
        subject: rendered?.subject ?? '',
        text: rendered?.text ?? '',
        htmlHref: `/admin/forhandsgranska/html?${params.toString()}`,
      },
    );
  });

  app.get('/admin/forhandsgranska/html', async (req, reply) => {
    const { item } = previewFor(req.query as Record<string, unknown>);
    if (!item) return deps.page(req, reply, 404, 'not-found', { title: 'Sidan finns inte' });
    return mailFrame(reply, (await render(item)).html);
  });
}
