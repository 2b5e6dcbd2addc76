/**
 * The web app on fastify: the public pages (overview, events, subscribe, the links every mail
 * carries, RFC 8058 one-click included), calendar, feeds and API, /healthz and /metrics, and the
 * admin console. One place sets the security headers on every answer; one error boundary turns
 * any failure into a logged Swedish page without a stack.
 */
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { AppContext } from '../app/context.js';
import { DriftkollError } from '../domain/errors.js';
import { createRenderer, type Renderer } from '../mail/render.js';
import { ensureSecret } from '../store/settings.repo.js';
import { BODY_LIMIT, SECURITY_HEADERS, TYPES, clientErrorHandler, html, text } from './http.js';
import { createPages, type Pages } from './pages.js';
import { adminRoutes } from './routes/admin.js';
import { feedRoutes } from './routes/feeds.js';
import { opsRoutes } from './routes/ops.js';
import { publicRoutes } from './routes/public.js';
import { subscribeRoutes } from './routes/subscribe.js';
import { currentAdmin } from './auth.js';

/** What the web app uses of the application context; a renderer is made when none is given. */
export type WebContext = Pick<AppContext, 'db' | 'config' | 'clock' | 'catalogue' | 'logger'> & { renderer?: Renderer };

/** What `serve` tells the web app beyond the context. */
export interface WebOptions {
  port?: number;
  /** Bind address; default every interface. */
  host?: string;
  /** Whether the scheduler is running; /healthz answers 503 when it is not (or when not given). */
  schedulerAlive?: () => boolean;
  /** Polls one source now (the admin's "poll now"); the console offers the button only when given. */
  pollNow?: (sourceId: string) => Promise<void>;
}

/** Everything a route module needs. */
export interface WebDeps {
  ctx: WebContext & { renderer: Renderer };
  pages: Pages;
  /** The installation's link secret (verifies links mailed before opaque tokens). */
  secret: string;
  opts: WebOptions;
  /** Whether cookies must be Secure (baseUrl is https). */
  secure: boolean;
  /**
   * Renders a page with the layout: the admin menu when an admin is signed in, and a CSRF
   * token for the page's forms when it has any (`form`) or an admin is signed in (logout).
   */
  page(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    name: string,
    frame: { title: string; form?: boolean },
    view?: object,
  ): FastifyReply;
}

/** The running web app. */
export interface WebServer {
  url: string;
  /** The address actually bound, `host:port` (`[::]:8080` for every interface). */
  bound: string;
  /** The fastify instance, for tests that walk the registered routes. */
  app: FastifyInstance;
  close(): Promise<void>;
}

const registered = new WeakMap<FastifyInstance, { method: string; url: string }[]>();

/** Every route registered on the app (method and pattern): lets a test check that each admin route is guarded. */
export function registeredRoutes(app: FastifyInstance): { method: string; url: string }[] {
  return registered.get(app) ?? [];
}

/** Route patterns as regular expressions, to tell a wrong method (405) from an unknown path (404). */
function routeMatcher(app: FastifyInstance) {
  const routes: { re: RegExp; methods: string[] }[] = [];
  const list: { method: string; url: string }[] = [];
  registered.set(app, list);
  app.addHook('onRoute', (r) => {
    for (const method of ([] as string[]).concat(r.method)) list.push({ method, url: r.url });
    const pattern = r.url
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/:[A-Za-z_]+/g, '[^/]*')
      .replace(/\*/g, '.*');
    routes.push({ re: new RegExp(`^${pattern}/?$`), methods: ([] as string[]).concat(r.method) });
  });
  return (path: string) => [...new Set(routes.filter((r) => r.re.test(path)).flatMap((r) => r.methods))];
}

/** Builds the app with every route registered; `listen` is left to the caller. */
export async function buildWebApp(ctx: WebContext, opts: WebOptions = {}): Promise<FastifyInstance> {
  const full = { ...ctx, renderer: ctx.renderer ?? createRenderer() };
  const site = { name: ctx.config.sender.name, replyTo: ctx.config.sender.replyTo };
  const pages = createPages(site);
  // Created once and never replaced (links already mailed depend on it), so it can be read once.
  const secret = ensureSecret(ctx.db);
  const secure = ctx.config.baseUrl.startsWith('https:');
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    // Small pages and tiny forms: a client that trickles its request is cut off early.
    requestTimeout: 15_000,
    connectionTimeout: 30_000,
    keepAliveTimeout: 5_000,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    clientErrorHandler,
  });
  app.server.headersTimeout = 10_000;
  const methodsFor = routeMatcher(app);

  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(name)) reply.header(name, value);
    return payload;
  });

  await app.register(formbody, { bodyLimit: BODY_LIMIT });
  // A one-click client may post multipart or nothing at all: any other body is read (within
  // the limit) and ignored rather than refused with 415.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => done(null, null));
  await app.register(cookie);
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure },
    getToken: (req) => (req.body as Record<string, string> | null | undefined)?._csrf,
  });
  await app.register(rateLimit, { global: false });

  const deps: WebDeps = {
    ctx: full,
    pages,
    secret,
    opts,
    secure,
    page(req, reply, status, name, frame, view) {
      const admin = currentAdmin(deps, req);
      const csrfToken = admin || frame.form ? reply.generateCsrf() : '';
      return html(reply, status, pages.render(name, { title: frame.title, admin: admin?.email ?? null, csrf: csrfToken }, view));
    },
  };

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    const methods = methodsFor(path);
    if (methods.length > 0) {
      const allow = methods.includes('GET') && !methods.includes('HEAD') ? [...methods, 'HEAD'] : methods;
      return text(reply.header('allow', allow.join(', ')), 405, 'Metoden stöds inte här.\n');
    }
    return html(reply, 404, pages.render('not-found', { title: 'Sidan finns inte' }));
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status === 413) return text(reply.header('connection', 'close'), 413, 'För mycket data i förfrågan.\n');
    if (status === 429) {
      return html(
        reply,
        429,
        pages.render(
          'message',
          { title: 'För många försök' },
          {
            heading: 'För många försök',
            body: 'Du har gjort många försök på kort tid. Vänta en stund och försök igen.',
            back: '/',
            backText: 'Till driftläget',
          },
        ),
      );
    }
    if (status === 403 && err.code?.startsWith('FST_CSRF')) {
      ctx.logger.warn({ route: req.routeOptions.url, code: err.code }, 'form refused: missing or wrong CSRF token');
      return html(
        reply,
        403,
        pages.render(
          'message',
          { title: 'Formuläret har gått ut' },
          {
            heading: 'Formuläret har gått ut',
            body: 'Inget har ändrats. Ladda sidan igen och skicka formuläret en gång till.',
            back: req.url.split('?')[0]!,
            backText: 'Ladda sidan igen',
          },
        ),
      );
    }
    if (status >= 400 && status < 500) return text(reply, status, 'Felaktig förfrågan.\n');
    ctx.logger.error({ err, method: req.method, route: req.routeOptions.url ?? 'none' }, 'web request failed');
    try {
      return html(reply, 500, pages.render('error', { title: 'Något gick fel' }));
    } catch (pageErr) {
      ctx.logger.error({ err: pageErr }, 'web error page failed');
      return reply.code(500).type(TYPES.text).send('Något gick fel. Försök igen om en stund.\n');
    }
  });

  await app.register(async (scope) => publicRoutes(scope, deps));
  await app.register(async (scope) => subscribeRoutes(scope, deps));
  await app.register(async (scope) => feedRoutes(scope, deps));
  await app.register(async (scope) => opsRoutes(scope, deps));
  await app.register(async (scope) => adminRoutes(scope, deps));
  await app.ready();
  return app;
}

/** The URL to log: a wildcard host is reached as localhost. */
function urlFor(address: AddressInfo): string {
  const host = address.address === '::' || address.address === '0.0.0.0' ? 'localhost' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/**
 * Starts the web app on `opts.port` (default config.port; 0 picks a free port) and `opts.host`
 * (default: every interface). Resolves once it listens, with the URL it is reachable at and
 * the address actually bound; `close` stops taking connections and waits for the requests in flight.
 */
export async function startWebServer(ctx: WebContext, opts: WebOptions = {}): Promise<WebServer> {
  const app = await buildWebApp(ctx, opts);
  const port = opts.port ?? ctx.config.port;
  try {
    await app.listen({ port, host: opts.host ?? '::' });
  } catch (cause) {
    await app.close();
    const code = (cause as NodeJS.ErrnoException).code;
    if (!opts.host && (code === 'EAFNOSUPPORT' || code === 'EADDRNOTAVAIL')) {
      // No IPv6 on this machine: every IPv4 interface instead.
      return startWebServer(ctx, { ...opts, host: '0.0.0.0' });
    }
    throw new DriftkollError(`web app cannot listen on ${opts.host ?? 'port'} ${port}: ${code ?? (cause as Error).message}`, {
      cause,
      hint: 'set PORT to a free port, or HOST to an address of this machine',
    });
  }
  const address = app.server.address() as AddressInfo;
  return {
    url: urlFor(address),
    bound: `${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`,
    app,
    close: async () => {
      // Idle keep-alive sockets would otherwise hold close() open until they time out.
      app.server.closeIdleConnections();
      await app.close();
    },
  };
}
