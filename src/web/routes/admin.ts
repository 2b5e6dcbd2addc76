/**
 * The admin console. Sign-in by a mailed one-use link (its GET shows a button, its POST starts
 * an 8-hour session). Every other /admin route sits in one guarded scope: an anonymous request
 * is redirected to the sign-in page before anything runs, and every POST needs the CSRF token
 * its form carries. What an admin changes is written to the audit log with who, when and why.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { recordAudit, listAudit } from '../../store/audit.repo.js';
import { countRecentTokens } from '../../store/tokens.repo.js';
import { listSources } from '../../store/sources.repo.js';
import { countConfirmedSubscriptions, pageSubscriptions, storeCounts, findEvents } from '../../store/browse.repo.js';
import { deleteSubscription } from '../../store/subscriptions.repo.js';
import { formatDateTime } from '../../domain/format-sv.js';
import { isSourceHealthy, type SourceState } from '../../domain/source-state.js';
import { intervalOf } from '../../config/load.js';
import { KINDS, STATUSES, type Kind, type Status } from '../../domain/types.js';
import { storedTime } from '../../util/time.js';
import { createLoginLink, currentAdmin, endSession, isAdmin, pendingLogin, startSession } from '../auth.js';
import { cleanEmail, fromOurPages, maskEmail, one, pageHref, pageNumber, PAGE_SIZE, redirect, text } from '../http.js';
import { enqueueWebMail } from '../mail.js';
import type { WebDeps } from '../server.js';
import { eventCard } from '../views.js';
import { directoryRoutes } from './admin-directory.js';
import { outboxRoutes } from './admin-outbox.js';

/** Login mails to one address per hour. */
const LOGINS_PER_HOUR = 5;
const KIND_SV: Record<Kind, string> = { disruption: 'Störningar', maintenance: 'Servicefönster', release: 'Releaser' };
const STATUS_SV: Record<Status, string> = { ongoing: 'Pågår', resolved: 'Åtgärdad', planned: 'Planerad', cancelled: 'Inställd' };
/** The audit log's actions as the console shows them. */
const ACTION_SV: Record<string, string> = {
  login: 'Loggade in',
  logout: 'Loggade ut',
  'login-link': 'Skapade en inloggningslänk',
  'poll-now': 'Hämtade en källa',
  'directory-import': 'Uppdaterade katalogen',
  'subscription-removed': 'Tog bort en prenumeration',
  resend: 'Skickade ett utskick igen',
};
export const FLASH: Record<string, string> = {
  hamtar: 'Hämtningen är startad. Ladda om sidan om en stund.',
  importerad: 'Katalogen är uppdaterad.',
  borttagen: 'Prenumerationen är borttagen.',
  skickas: 'Kopian ligger i kön och skickas strax.',
};

/** The admin's address for this request (the guard has already let it through). */
export function adminOf(deps: WebDeps, req: FastifyRequest): string {
  return currentAdmin(deps, req)!.email;
}

/** Writes one audit entry for the request's admin. */
export function audit(
  deps: WebDeps,
  req: FastifyRequest,
  action: string,
  target: string | null,
  reason: string | null,
  details = {},
): void {
  recordAudit(deps.ctx.db, { at: storedTime(deps.ctx.clock.now()), actor: adminOf(deps, req), action, target, reason, details });
}

/** Previous/next links for a page of `got` rows fetched with one extra. */
export function pager(path: string, params: Record<string, string | undefined>, page: number, got: number) {
  return {
    prev: page > 1 ? pageHref(path, params, page - 1) : null,
    next: got > PAGE_SIZE ? pageHref(path, params, page + 1) : null,
    page,
  };
}

/** Registers the sign-in pages and, in a guarded scope, the console. */
export async function adminRoutes(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { ctx } = deps;
  const { db, logger } = ctx;
  const loginPage = (req: FastifyRequest, reply: FastifyReply, status: number, view: object) =>
    deps.page(req, reply, status, 'admin-login', { title: 'Logga in som administratör', form: true }, view);

  app.get('/admin/logga-in', (req, reply) =>
    loginPage(req, reply, 200, { sent: false, out: one((req.query as Record<string, unknown>).ut) === '1' }),
  );
  app.post(
    '/admin/logga-in',
    { preHandler: app.csrfProtection, config: { rateLimit: { max: 10, timeWindow: '10 minutes' } } },
    (req, reply) => {
      const email = cleanEmail((req.body as Record<string, unknown> | null)?.email);
      const now = ctx.clock.now();
      // The same answer for any address: no one learns who the admins are.
      if (
        email &&
        isAdmin(ctx, email) &&
        countRecentTokens(db, 'login', email, storedTime(new Date(now.getTime() - 3_600_000))) < LOGINS_PER_HOUR
      ) {
        const link = createLoginLink(ctx, email);
        const outboxId = enqueueWebMail(ctx, {
          key: `web-login:${link.slice(-24)}`,
          template: 'web-login',
          to: email,
          subject: 'Din inloggningslänk till administrationen',
          paragraphs: ['Du har bett om att få logga in i administrationen för driftinformationen.'],
          link: { href: link, text: 'Logga in' },
          after: ['Länken gäller i 30 minuter och kan användas en gång. Har du inte bett om den kan du strunta i mejlet.'],
          unsubscribe: false,
        });
        logger.info({ email: maskEmail(email), outboxId }, 'admin login link enqueued');
      } else {
        logger.info({ email: email ? maskEmail(email) : null }, 'admin login requested for an address that gets no link');
      }
      return loginPage(req, reply, 200, { sent: true, out: false });
    },
  );

  const badLink = (req: FastifyRequest, reply: FastifyReply) => deps.page(req, reply, 404, 'bad-link', { title: 'Länken fungerar inte' });
  app.get('/admin/logga-in/:token', (req, reply) => {
    const token = (req.params as { token: string }).token;
    const row = pendingLogin(ctx, token);
    if (!row) return badLink(req, reply);
    return deps.page(req, reply, 200, 'admin-login-confirm', { title: 'Logga in', form: true }, { email: row.email, token });
  });
  app.post('/admin/logga-in/:token', { preHandler: app.csrfProtection }, (req, reply) => {
    const token = (req.params as { token: string }).token;
    if (!fromOurPages(req, ctx.config.baseUrl)) return text(reply, 403, 'Logga in med knappen på sidan som länken öppnar.\n');
    const email = startSession(ctx, token, reply, deps.secure);
    if (!email) return badLink(req, reply);
    recordAudit(db, { at: storedTime(ctx.clock.now()), actor: email, action: 'login', target: null, reason: null });
    logger.info({ email: maskEmail(email) }, 'admin signed in');
    return redirect(reply, '/admin');
  });

  await app.register(async (scope) => {
    scope.addHook('onRequest', async (req, reply) => {
      if (!currentAdmin(deps, req)) return redirect(reply, '/admin/logga-in');
    });
    scope.addHook('preHandler', (req, reply, done) => (req.method === 'POST' ? scope.csrfProtection(req, reply, done) : done()));
    // Only the console takes files (the directory upload), and only here is multipart read.
    await scope.register(multipart, { attachFieldsToBody: 'keyValues', limits: { fileSize: 512 * 1024, files: 1, fields: 10 } });
    guardedRoutes(scope, deps);
    directoryRoutes(scope, deps);
    outboxRoutes(scope, deps);
  });
}

function guardedRoutes(app: FastifyInstance, deps: WebDeps): void {
  const { ctx } = deps;
  const { db } = ctx;
  const flash = (req: FastifyRequest) => FLASH[one((req.query as Record<string, unknown>).klart)] ?? null;

  app.post('/admin/logga-ut', (req, reply) => {
    audit(deps, req, 'logout', null, null);
    endSession(ctx, req, reply);
    return redirect(reply, '/admin/logga-in?ut=1');
  });

  app.get('/admin', (req, reply) => {
    const now = ctx.clock.now();
    const sources = listSources(db);
    const healthy = (s: SourceState) => isSourceHealthy(s, { intervalMs: intervalOf(ctx.config, s.id), now });
    const counts = storeCounts(db);
    const messages = Object.fromEntries(counts.messages.map((m) => [m.status, m.n]));
    const ongoing = counts.events.filter((e) => e.kind === 'disruption' && e.status === 'ongoing').reduce((n, e) => n + e.n, 0);
    return deps.page(
      req,
      reply,
      200,
      'admin-home',
      { title: 'Administration' },
      {
        email: adminOf(deps, req),
        sourcesHealthy: sources.filter(healthy).length,
        sourcesTotal: sources.length,
        unhealthy: sources.filter((s) => !healthy(s)).map((s) => ({ id: s.id, error: s.lastError ?? 'aldrig hämtad' })),
        ongoing,
        queued: messages.queued ?? 0,
        failed: messages.failed ?? 0,
        sent: messages.sent ?? 0,
        subscriptions: countConfirmedSubscriptions(db),
        recent: listAudit(db, { limit: 5, offset: 0 }).map((a) => ({
          ...a,
          action: ACTION_SV[a.action] ?? a.action,
          at: formatDateTime(a.at, now),
        })),
      },
    );
  });

  app.get('/admin/kallor', (req, reply) => {
    const now = ctx.clock.now();
    const states = new Map(listSources(db).map((s) => [s.id, s]));
    const ids = [...new Set([...ctx.config.sources.map((s) => s.id), ...states.keys()])];
    const rows = ids.map((id) => {
      const s = states.get(id);
      const cfg = ctx.config.sources.find((c) => c.id === id);
      return {
        id,
        name: cfg?.name ?? id,
        url: cfg?.url ?? s?.url ?? '',
        healthy: s ? isSourceHealthy(s, { intervalMs: intervalOf(ctx.config, id), now }) : false,
        lastSuccess: s?.lastSuccessAt ? formatDateTime(s.lastSuccessAt, now) : 'aldrig',
        lastFailure: s?.lastFailureAt ? formatDateTime(s.lastFailureAt, now) : null,
        lastError: s?.lastError ?? null,
        failures: s?.consecutiveFailures ?? 0,
        items: s?.itemsFound ?? '–',
        unknown: s?.unknownServices.join(', ') ?? '',
        warnings: s?.warnings ?? [],
        canPoll: Boolean(cfg && deps.opts.pollNow),
      };
    });
    return deps.page(req, reply, 200, 'admin-sources', { title: 'Källor' }, { sources: rows, flash: flash(req) });
  });

  app.post('/admin/kallor/:id/hamta', (req, reply) => {
    const id = (req.params as { id: string }).id;
    const poll = deps.opts.pollNow;
    if (!poll || !ctx.config.sources.some((s) => s.id === id)) return text(reply, 404, 'Källan finns inte.\n');
    audit(deps, req, 'poll-now', id, null);
    // The poll runs in the scheduler's queue; the page does not wait for it.
    poll(id).catch((err: unknown) => ctx.logger.error({ err, sourceId: id }, 'poll requested from the console failed'));
    return redirect(reply, '/admin/kallor?klart=hamtar');
  });

  app.get('/admin/handelser', (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const page = pageNumber(q);
    const kind = (KINDS as readonly string[]).includes(one(q.typ)) ? (one(q.typ) as Kind) : undefined;
    const status = (STATUSES as readonly string[]).includes(one(q.status)) ? (one(q.status) as Status) : undefined;
    const service: string | undefined = ctx.catalogue.byId(one(q.tjanst)) ? one(q.tjanst) : undefined;
    const rows = findEvents(
      db,
      { kinds: kind ? [kind] : undefined, statuses: status ? [status] : undefined, services: service ? [service] : undefined },
      { limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE },
    );
    const now = ctx.clock.now();
    return deps.page(
      req,
      reply,
      200,
      'admin-events',
      { title: 'Händelser' },
      {
        events: rows.slice(0, PAGE_SIZE).map((e) => eventCard(ctx, e, now)),
        kinds: KINDS.map((k) => ({ value: k, label: KIND_SV[k], selected: k === kind })),
        statuses: STATUSES.map((s) => ({ value: s, label: STATUS_SV[s], selected: s === status })),
        services: ctx.catalogue.services.map((s) => ({ value: s.id, label: s.name, selected: s.id === service })),
        ...pager('/admin/handelser', { typ: kind, status, tjanst: service }, page, rows.length),
      },
    );
  });

  app.get('/admin/prenumerationer', (req, reply) => {
    const page = pageNumber(req.query);
    const rows = pageSubscriptions(db, { limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
    const now = ctx.clock.now();
    return deps.page(
      req,
      reply,
      200,
      'admin-subscriptions',
      { title: 'Prenumerationer' },
      {
        flash: flash(req),
        subscriptions: rows.slice(0, PAGE_SIZE).map((s) => ({
          email: s.email,
          services: s.services.map((id) => ctx.catalogue.nameOf(id)).join(', '),
          cadence: { immediate: 'direkt', daily: 'dagligen', weekly: 'veckovis' }[s.cadence],
          kinds: s.kinds.map((k) => KIND_SV[k].toLowerCase()).join(', '),
          confirmed: s.confirmed,
          updated: formatDateTime(s.updatedAt, now),
        })),
        ...pager('/admin/prenumerationer', {}, page, rows.length),
      },
    );
  });

  app.post('/admin/prenumerationer/ta-bort', (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const email = one(body.email).trim();
    const reason = one(body.reason).trim();
    if (!email) return text(reply, 400, 'Adress saknas.\n');
    const removed = deleteSubscription(db, email);
    if (removed) audit(deps, req, 'subscription-removed', email, reason || null);
    return redirect(reply, '/admin/prenumerationer?klart=borttagen');
  });

  app.get('/admin/logg', (req, reply) => {
    const page = pageNumber(req.query);
    const now = ctx.clock.now();
    const rows = listAudit(db, { limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
    return deps.page(
      req,
      reply,
      200,
      'admin-log',
      { title: 'Logg' },
      {
        entries: rows.slice(0, PAGE_SIZE).map((a) => ({
          ...a,
          action: ACTION_SV[a.action] ?? a.action,
          at: formatDateTime(a.at, now),
          details: JSON.stringify(a.details) === '{}' ? '' : JSON.stringify(a.details),
        })),
        ...pager('/admin/logg', {}, page, rows.length),
      },
    );
  });
}
