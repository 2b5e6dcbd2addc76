/**
 * Public pages: the overview, an event with its history, the stylesheet, and the per-address
 * pages every mail links to (unsubscribe with RFC 8058 one-click, and manage). A GET never
 * changes anything: mail scanners follow links. Token routes resolve the token before they
 * read or write anything, and log a masked address, never the token.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { KINDS, type Kind } from '../../domain/types.js';
import { resolveManageToken } from '../../notify/links.js';
import { contactsByEmail } from '../../store/directory.repo.js';
import { getEvent } from '../../store/events.repo.js';
import { deleteSubscription, isSuppressed, suppress, unsuppress, upsertSubscription } from '../../store/subscriptions.repo.js';
import { packagePath } from '../../util/paths.js';
import { storedTime } from '../../util/time.js';
import { TYPES, fromOurPages, isOneClick, many, maskEmail, one, redirect, text } from '../http.js';
import type { WebDeps } from '../server.js';
import { CADENCE_FORM, KIND_FORM, eventView, statusView, subscriptionView } from '../views.js';

const FLASH: Record<string, string> = {
  sparat: 'Dina val är sparade.',
  bekraftat: 'Tack! Din prenumeration är bekräftad.',
  borttagen: 'Bevakningen är borttagen.',
  startad: 'Utskicken är startade igen.',
};

/** The subscription a manage or subscribe form asks for, or the Swedish problems with it. */
export function readChoice(ctx: WebDeps['ctx'], body: Record<string, unknown>) {
  const services = [...new Set(many(body.tjanst))];
  const cadence = CADENCE_FORM[one(body.kadens)];
  const kindsRaw = many(body.typ);
  const kinds = kindsRaw.map((k) => KIND_FORM[k]).filter((k): k is Kind => k !== undefined);
  const errors: { field: string; text: string }[] = [];
  if (services.length === 0) errors.push({ field: 'tjanst', text: 'Välj minst en tjänst.' });
  else if (services.some((id) => !ctx.catalogue.byId(id))) errors.push({ field: 'tjanst', text: 'Välj tjänster i listan.' });
  if (!cadence) errors.push({ field: 'kadens', text: 'Välj hur ofta du vill få mejl.' });
  if (kinds.length !== kindsRaw.length) errors.push({ field: 'typ', text: 'Välj bland störningar, servicefönster och releaser.' });
  return { services, cadence: cadence ?? 'daily', kinds: kinds.length ? [...new Set(kinds)] : [...KINDS], errors };
}

/** Registers the public pages. */
export function publicRoutes(app: FastifyInstance, deps: WebDeps): void {
  const { ctx, secret } = deps;
  const { db, logger } = ctx;
  const css = readFileSync(packagePath('templates', 'web', 'stil.css'), 'utf8');
  const now = () => storedTime(ctx.clock.now());
  const units = (email: string) => contactsByEmail(db, email).map((c) => c.unitId);
  const badLink = (req: FastifyRequest, reply: FastifyReply) => deps.page(req, reply, 404, 'bad-link', { title: 'Länken fungerar inte' });
  /** Runs `fn` with the address the token names, or answers "Länken fungerar inte". */
  const withToken =
    (fn: (email: string, token: string, req: FastifyRequest, reply: FastifyReply) => FastifyReply) =>
    (req: FastifyRequest, reply: FastifyReply) => {
      const token = (req.params as { token?: string }).token ?? '';
      const email = token ? resolveManageToken(db, token, secret) : undefined;
      return email ? fn(email, token, req, reply) : badLink(req, reply);
    };
  /** Like withToken, for a POST that changes what the address gets: only from our own pages. */
  const fromPages = (fn: Parameters<typeof withToken>[0]) =>
    withToken((email, token, req, reply) => {
      if (fromOurPages(req, ctx.config.baseUrl)) return fn(email, token, req, reply);
      logger.warn({ route: req.routeOptions.url }, 'manage form refused: not posted from our pages');
      return text(reply, 403, 'Ändringen måste göras från sidan Dina utskick.\n');
    });

  app.get('/stil.css', (_req, reply) => reply.header('cache-control', 'public, max-age=3600').type(TYPES.css).send(css));

  app.get('/', (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const view = statusView(ctx, { service: one(q.tjanst) || undefined, unit: one(q.forvaltning) || undefined });
    return deps.page(req, reply, 200, 'status', { title: 'Driftläget för e-tjänster' }, view);
  });

  app.get('/kalender', (req, reply) =>
    deps.page(req, reply, 200, 'feeds', { title: 'Kalender och flöden' }, { baseUrl: ctx.config.baseUrl }),
  );

  app.get('/handelse/:id', (req, reply) => {
    const id = one((req.params as { id: string }).id);
    const event = /^\d{1,12}$/.test(id) ? getEvent(db, Number(id)) : undefined;
    if (!event) return deps.page(req, reply, 404, 'not-found', { title: 'Sidan finns inte' });
    return deps.page(req, reply, 200, 'event', { title: event.title }, eventView(ctx, event));
  });

  const unsubscribePage = withToken((email, token, req, reply) =>
    deps.page(req, reply, 200, 'unsubscribe', { title: 'Avsluta utskicken' }, { email, token, suppressed: isSuppressed(db, email) }),
  );
  const unsubscribe = withToken((email, token, req, reply) => {
    // Any valid POST unsubscribes, whatever its body: the token is the proof, and a one-click
    // client sending multipart must not be turned away.
    const created = suppress(db, email, 'unsubscribed via link', now());
    const oneClick = isOneClick(req.body);
    logger.info({ email: maskEmail(email), units: units(email), oneClick, already: !created }, 'unsubscribed via link');
    if (oneClick) return text(reply, 200, `Klart. Du får inga fler mejl från ${ctx.config.sender.name}.\n`);
    return redirect(reply, `/prenumeration/${token}`);
  });
  for (const path of ['/avsluta', '/avsluta/:token']) {
    app.get(path, unsubscribePage);
    app.post(path, unsubscribe);
  }

  const managePage = withToken((email, token, req, reply) => {
    const flash = FLASH[one((req.query as Record<string, unknown>).klart)] ?? null;
    return deps.page(req, reply, 200, 'subscription', { title: 'Dina utskick' }, { ...subscriptionView(ctx, email, token), flash });
  });
  app.get('/prenumeration', managePage);
  app.get('/prenumeration/:token', managePage);

  app.post(
    '/prenumeration/:token',
    fromPages((email, token, req, reply) => {
      const choice = readChoice(ctx, (req.body ?? {}) as Record<string, unknown>);
      if (choice.errors.length) {
        const flash = choice.errors.map((e) => e.text).join(' ');
        return deps.page(req, reply, 400, 'subscription', { title: 'Dina utskick' }, { ...subscriptionView(ctx, email, token), flash });
      }
      // The token proves the address: a change made here needs no further confirmation.
      upsertSubscription(db, { email, services: choice.services, cadence: choice.cadence, kinds: choice.kinds, confirmed: true }, now());
      logger.info({ email: maskEmail(email), services: choice.services.length, cadence: choice.cadence }, 'subscription changed via link');
      return redirect(reply, `/prenumeration/${token}?klart=sparat`);
    }),
  );
  app.post(
    '/prenumeration/:token/ta-bort',
    fromPages((email, token, _req, reply) => {
      const removed = deleteSubscription(db, email);
      logger.info({ email: maskEmail(email), already: !removed }, 'subscription removed via link');
      return redirect(reply, `/prenumeration/${token}?klart=borttagen`);
    }),
  );
  app.post(
    '/prenumeration/:token/starta',
    fromPages((email, token, _req, reply) => {
      const lifted = unsuppress(db, email);
      logger.info({ email: maskEmail(email), units: units(email), already: !lifted }, 'resubscribed via link');
      return redirect(reply, `/prenumeration/${token}`);
    }),
  );
}
