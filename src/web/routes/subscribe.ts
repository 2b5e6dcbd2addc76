/**
 * Subscribing from the web: the form at /prenumerera, a confirmation link by mail, and the
 * link's page. The form's answer is the same whatever the address's state, so no one learns
 * which addresses exist; nothing is active until the link's button is pressed (a GET only
 * asks: mail scanners follow links). Links expire after 7 days and work once. Requests are
 * limited per client (rate-limit plugin) and per address (confirmations made in the last hour).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { listSv } from '../../domain/format-sv.js';
import { KINDS, type Cadence, type Kind } from '../../domain/types.js';
import { hashToken, OPAQUE_TOKEN, randomToken, ensureManageToken } from '../../notify/links.js';
import { countRecentTokens, deleteExpiredTokens, findToken, insertToken, useToken } from '../../store/tokens.repo.js';
import { unsuppress, upsertSubscription } from '../../store/subscriptions.repo.js';
import { storedTime } from '../../util/time.js';
import { cleanEmail, fromOurPages, maskEmail, one, redirect, text } from '../http.js';
import { enqueueWebMail } from '../mail.js';
import type { WebDeps } from '../server.js';
import { CADENCE_SV, KIND_PLURAL_SV, choiceLists, serviceGroups } from '../views.js';
import { readChoice } from './public.js';

/** A confirmation link works this long. */
export const CONFIRM_MS = 7 * 86_400_000;
/** Confirmation mails to one address per hour; more requests get the same page and no mail. */
export const PER_ADDRESS_PER_HOUR = 3;
/** Form posts per client per 10 minutes. */
export const PER_CLIENT = { max: 10, timeWindow: '10 minutes' };

interface Requested {
  services: string[];
  cadence: Cadence;
  kinds: Kind[];
}

/** Registers /prenumerera and /bekrafta/:token. */
export function subscribeRoutes(app: FastifyInstance, deps: WebDeps): void {
  const { ctx } = deps;
  const { db, logger } = ctx;

  const form = (req: FastifyRequest, reply: FastifyReply, status: number, view: object) =>
    deps.page(req, reply, status, 'subscribe', { title: 'Prenumerera', form: true }, view);

  app.get('/prenumerera', (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const preset = one(q.tjanst);
    return form(req, reply, 200, {
      email: '',
      errors: [],
      groups: serviceGroups(ctx, preset ? [preset] : []),
      ...choiceLists('daily', []),
    });
  });

  app.post('/prenumerera', { preHandler: app.csrfProtection, config: { rateLimit: PER_CLIENT } }, (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const email = cleanEmail(body.email);
    const choice = readChoice(ctx, body);
    const errors = [
      ...(email ? [] : [{ field: 'email', text: 'Skriv en e-postadress, till exempel namn@regionuppsala.se.' }]),
      ...choice.errors,
    ];
    if (errors.length) {
      const kindsChosen = one(body.typ) || Array.isArray(body.typ) ? choice.kinds : [];
      return form(req, reply, 400, {
        email: one(body.email),
        errors,
        groups: serviceGroups(ctx, choice.services),
        ...choiceLists(choice.cadence, kindsChosen),
      });
    }
    const now = ctx.clock.now();
    // Links that can no longer be used go as new ones are made, so the table stays small.
    deleteExpiredTokens(db, storedTime(new Date(now.getTime() - 86_400_000)));
    const recent = countRecentTokens(db, 'confirm', email!, storedTime(new Date(now.getTime() - 3_600_000)));
    if (recent >= PER_ADDRESS_PER_HOUR) {
      logger.warn({ email: maskEmail(email!) }, 'subscription request not mailed: too many for this address in the last hour');
    } else {
      const token = randomToken();
      const requested: Requested = { services: choice.services, cadence: choice.cadence, kinds: choice.kinds };
      insertToken(db, {
        hash: hashToken(token),
        purpose: 'confirm',
        email: email!,
        data: { ...requested },
        createdAt: storedTime(now),
        expiresAt: storedTime(new Date(now.getTime() + CONFIRM_MS)),
      });
      const outboxId = enqueueWebMail(ctx, {
        key: `web-confirm:${hashToken(token).slice(0, 24)}`,
        template: 'web-confirm',
        to: email!,
        subject: 'Bekräfta din prenumeration på driftinformation',
        paragraphs: [
          `Någon, troligen du, vill prenumerera på driftinformation om ${listSv(choice.services.map((id) => ctx.catalogue.nameOf(id)))}.`,
          'Öppna länken och tryck på knappen för att bekräfta. Inget skickas förrän du har bekräftat.',
        ],
        link: { href: `${ctx.config.baseUrl}/bekrafta/${token}`, text: 'Bekräfta prenumerationen' },
        after: ['Länken gäller i 7 dagar och kan användas en gång. Har du inte bett om det här kan du strunta i mejlet.'],
        unsubscribe: true,
      });
      logger.info({ email: maskEmail(email!), outboxId }, 'subscription requested; confirmation enqueued');
    }
    return deps.page(req, reply, 200, 'check-inbox', { title: 'Kolla din inkorg' });
  });

  /** The pending request a confirmation token names, or undefined. */
  const pending = (token: string) => {
    if (!OPAQUE_TOKEN.test(token)) return undefined;
    const row = findToken(db, hashToken(token), 'confirm');
    const now = storedTime(ctx.clock.now());
    return row && !row.usedAt && row.expiresAt && row.expiresAt > now ? row : undefined;
  };
  const badLink = (req: FastifyRequest, reply: FastifyReply) => deps.page(req, reply, 404, 'bad-link', { title: 'Länken fungerar inte' });

  app.get('/bekrafta/:token', (req, reply) => {
    const token = (req.params as { token: string }).token;
    const row = pending(token);
    if (!row) return badLink(req, reply);
    const r = row.data as unknown as Requested;
    return deps.page(
      req,
      reply,
      200,
      'confirm',
      { title: 'Bekräfta din prenumeration' },
      {
        email: row.email,
        token,
        services: listSv(r.services.map((id) => ctx.catalogue.nameOf(id))),
        cadence: CADENCE_SV[r.cadence],
        kinds: listSv((r.kinds.length ? r.kinds : [...KINDS]).map((k) => KIND_PLURAL_SV[k])),
      },
    );
  });

  app.post('/bekrafta/:token', (req, reply) => {
    const token = (req.params as { token: string }).token;
    const row = pending(token);
    if (!row) return badLink(req, reply);
    if (!fromOurPages(req, ctx.config.baseUrl)) return text(reply, 403, 'Bekräfta med knappen på sidan som länken i mejlet öppnar.\n');
    const at = storedTime(ctx.clock.now());
    const r = row.data as unknown as Requested;
    const done = db.transaction(() => {
      if (!useToken(db, row.hash, 'confirm', at)) return false;
      upsertSubscription(db, { email: row.email, services: r.services, cadence: r.cadence, kinds: r.kinds, confirmed: true }, at);
      // Confirming is asking for mail again: an earlier "no more mail" is lifted.
      unsuppress(db, row.email);
      return true;
    })();
    if (!done) return badLink(req, reply);
    logger.info({ email: maskEmail(row.email), services: r.services.length, cadence: r.cadence }, 'subscription confirmed');
    const manage = ensureManageToken(db, row.email, deps.secret, at);
    return redirect(reply, `/prenumeration/${manage}?klart=bekraftat`);
  });
}
