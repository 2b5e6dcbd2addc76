/**
 * The web app on node:http: the status overview, the unsubscribe and subscription pages that
 * every mail links to (RFC 8058 one-click included), and /healthz. A handful of routes needs no
 * framework: a small route table, one place that sets the security headers, one error boundary.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppContext } from '../app/context.js';
import { isSourceHealthy } from '../domain/source-state.js';
import { DriftkollError } from '../domain/errors.js';
import { verifyAddressToken } from '../notify/links.js';
import { contactsByEmail } from '../store/directory.repo.js';
import { ensureSecret } from '../store/settings.repo.js';
import { listSources } from '../store/sources.repo.js';
import { isSuppressed, suppress, unsuppress } from '../store/subscriptions.repo.js';
import { localIso, storedTime } from '../util/time.js';
import { createPages, statusView, subscriptionView, type Pages } from './pages.js';

/** Largest request body read; the only bodies are tiny forms. */
export const BODY_LIMIT = 10 * 1024;

const CSP = "default-src 'none'; style-src 'self' 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** `/avsluta/TOKEN`; a cut-off link (no token, a trailing slash) still reaches the "Länken fungerar inte" page. */
const AVSLUTA = /^\/avsluta(?:\/([^/]*))?\/?$/;

const TYPES = { html: 'text/html; charset=utf-8', text: 'text/plain; charset=utf-8', json: 'application/json; charset=utf-8' };

/** What a handler answers; the server adds the headers every response carries. */
interface Reply {
  status: number;
  type: keyof typeof TYPES;
  body: string;
  headers?: Record<string, string>;
}

interface RouteRequest {
  /** The pattern's captures, as they came in the path. */
  params: string[];
  /** The parsed body of a urlencoded POST; null for other requests and content types. */
  form: URLSearchParams | null;
}

interface Route {
  method: 'GET' | 'POST';
  /** For logs: the pattern, never the path itself, which may hold a token. */
  name: string;
  pattern: RegExp;
  handle(req: RouteRequest): Reply;
}

/** What the web app uses of the application context. */
export type WebContext = Pick<AppContext, 'db' | 'config' | 'clock' | 'catalogue' | 'logger'>;

/** The running web app. */
export interface WebServer {
  url: string;
  close(): Promise<void>;
}

const html = (status: number, body: string): Reply => ({ status, type: 'html', body });
const text = (status: number, body: string): Reply => ({ status, type: 'text', body });
const redirect = (location: string): Reply => ({ status: 303, type: 'text', body: `Se ${location}\n`, headers: { Location: location } });

/** "a***@example.se": enough to follow a case in the logs without keeping the address. */
function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at <= 0 ? '***' : `${email[0]}***${email.slice(at)}`;
}

/** True when the body is exactly the RFC 8058 one-click form: `List-Unsubscribe=One-Click`. */
function isOneClick(form: URLSearchParams | null): boolean {
  if (!form) return false;
  const entries = [...form.entries()];
  return entries.length === 1 && entries[0]![0] === 'List-Unsubscribe' && entries[0]![1].trim() === 'One-Click';
}

/** The route table. Token routes verify the HMAC before they read or write anything. */
function buildRoutes(ctx: WebContext, pages: Pages, secret: string): Route[] {
  const { db, logger } = ctx;
  const badLink = () => html(404, pages.badLink());
  const now = () => storedTime(ctx.clock.now());
  /** Runs `fn` with the address the token names, or answers "Länken fungerar inte". */
  const withToken = (fn: (email: string, token: string, req: RouteRequest) => Reply) => (req: RouteRequest) => {
    const token = req.params[0] ?? '';
    const email = verifyAddressToken(token, secret);
    return email ? fn(email, token, req) : badLink();
  };
  const units = (email: string) => contactsByEmail(db, email).map((c) => c.unitId);

  return [
    { method: 'GET', name: '/', pattern: /^\/$/, handle: () => html(200, pages.status(statusView(ctx))) },
    {
      method: 'GET',
      name: '/healthz',
      pattern: /^\/healthz$/,
      handle: () => {
        const sources = listSources(db).map((s) => ({
          id: s.id,
          healthy: isSourceHealthy(s),
          lastSuccess: localIso(s.lastSuccessAt),
          consecutiveFailures: s.consecutiveFailures,
        }));
        return { status: 200, type: 'json', body: JSON.stringify({ ok: true, sources }) };
      },
    },
    {
      // Mail scanners follow links: GET only asks, it never unsubscribes.
      method: 'GET',
      name: '/avsluta/:token',
      pattern: AVSLUTA,
      handle: withToken((email, token) => html(200, pages.unsubscribe({ email, token, suppressed: isSuppressed(db, email) }))),
    },
    {
      method: 'POST',
      name: '/avsluta/:token',
      pattern: AVSLUTA,
      handle: withToken((email, token, req) => {
        // Any signed POST unsubscribes, whatever its body: the token is the proof, and a
        // one-click client sending multipart must not be turned away.
        const created = suppress(db, email, 'unsubscribed via link', now());
        const oneClick = isOneClick(req.form);
        logger.info({ email: maskEmail(email), units: units(email), oneClick, already: !created }, 'unsubscribed via link');
        if (oneClick) return text(200, 'Klart. Du får inga fler mejl från driftkoll.\n');
        return redirect(`/prenumeration/${token}`);
      }),
    },
    {
      method: 'GET',
      name: '/prenumeration/:token',
      pattern: /^\/prenumeration(?:\/([^/]*))?\/?$/,
      handle: withToken((email, token) => html(200, pages.subscription(subscriptionView(ctx, email, token)))),
    },
    {
      method: 'POST',
      name: '/prenumeration/:token/starta',
      pattern: /^\/prenumeration\/([^/]*)\/starta\/?$/,
      handle: withToken((email, token) => {
        const lifted = unsuppress(db, email);
        logger.info({ email: maskEmail(email), units: units(email), already: !lifted }, 'resubscribed via link');
        return redirect(`/prenumeration/${token}`);
      }),
    },
  ];
}

/** Reads the body up to `limit` bytes; 'too-large' as soon as it is over (the rest is drained, not kept). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    req.resume();
    return Promise.resolve('too-large');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      // Stop keeping it, but keep reading so the 413 can still be written to the socket.
      req.off('data', onData);
      req.resume();
      resolve('too-large');
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function isUrlencoded(req: IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

function send(res: ServerResponse, reply: Reply): void {
  const body = Buffer.from(reply.body, 'utf8');
  res.writeHead(reply.status, {
    'Content-Type': TYPES[reply.type],
    'Content-Length': String(body.length),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': CSP,
    'Referrer-Policy': 'no-referrer',
    // Token pages must not sit in any cache, and the overview is only worth having fresh.
    'Cache-Control': 'no-store',
    ...reply.headers,
  });
  res.end(body);
}

/** Matches the route, reads a POST body, and turns any failure into a logged 500. */
async function dispatch(ctx: WebContext, pages: Pages, routes: Route[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  // Only the path: `new URL('//host/x', base)` would read a host out of it.
  const path = (req.url ?? '/').split('?')[0]!;
  // HEAD is GET without a body; node:http leaves the body out by itself.
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  const matching = routes.filter((r) => r.pattern.test(path));
  const route = matching.find((r) => r.method === method);
  try {
    if (!route) {
      if (matching.length === 0) return send(res, html(404, pages.notFound()));
      const allow = [...new Set(matching.map((r) => (r.method === 'GET' ? 'GET, HEAD' : r.method)))].join(', ');
      return send(res, { ...text(405, 'Metoden stöds inte här.\n'), headers: { Allow: allow } });
    }
    let form: URLSearchParams | null = null;
    if (method === 'POST') {
      const body = await readBody(req, BODY_LIMIT);
      if (body === 'too-large') return send(res, { ...text(413, 'För mycket data i förfrågan.\n'), headers: { Connection: 'close' } });
      if (isUrlencoded(req)) form = new URLSearchParams(body.toString('utf8'));
    }
    send(res, route.handle({ params: route.pattern.exec(path)!.slice(1), form }));
  } catch (err) {
    ctx.logger.error({ err, method, route: route?.name ?? 'none' }, 'web request failed');
    if (res.headersSent) return void res.destroy();
    try {
      send(res, html(500, pages.error()));
    } catch (pageErr) {
      ctx.logger.error({ err: pageErr }, 'web error page failed');
      send(res, text(500, 'Något gick fel. Försök igen om en stund.\n'));
    }
  }
}

/** The URL to log: a wildcard or missing host is reached as localhost. */
function urlFor(host: string | undefined, port: number): string {
  if (!host || host === '::' || host === '0.0.0.0') return `http://localhost:${port}`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Starts the web app on `opts.port` (default config.port; 0 picks a free port) and `opts.host`
 * (default: every interface). Resolves once it listens; `close` stops taking connections and
 * waits for the requests in flight.
 */
export async function startWebServer(ctx: WebContext, opts: { port?: number; host?: string } = {}): Promise<WebServer> {
  const pages = createPages({ name: ctx.config.sender.name, replyTo: ctx.config.sender.replyTo });
  // Created once and never replaced (links already mailed depend on it), so it can be read once.
  const secret = ensureSecret(ctx.db);
  const routes = buildRoutes(ctx, pages, secret);
  const server = createServer((req, res) => void dispatch(ctx, pages, routes, req, res));
  // Small pages and tiny forms: a client that trickles its request is cut off early.
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  const port = opts.port ?? ctx.config.port;
  await new Promise<void>((resolve, reject) => {
    const onError = (cause: NodeJS.ErrnoException) =>
      reject(
        new DriftkollError(`web app cannot listen on port ${port}: ${cause.code ?? cause.message}`, {
          cause,
          hint: 'set PORT to a free port',
        }),
      );
    server.once('error', onError);
    server.listen(port, opts.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => ctx.logger.error({ err }, 'web server error'));
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: urlFor(opts.host, actual),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Idle keep-alive sockets would otherwise hold close() open until they time out.
        server.closeIdleConnections();
      }),
  };
}
