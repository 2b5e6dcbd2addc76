/** Small HTTP pieces every route shares: the security headers, reply helpers, paging, origin checks. */
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Largest request body read anywhere but the directory upload: the forms are tiny. */
export const BODY_LIMIT = 10 * 1024;
/** Largest uploaded directory file. */
export const UPLOAD_LIMIT = 512 * 1024;
/** Rows on one page of any list. */
export const PAGE_SIZE = 50;

/** No script anywhere; styles only from our own stylesheet; no one may frame us. */
export const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Headers on every answer; a route may set its own CSP or Cache-Control first. */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // Token pages must not sit in any cache, and the other pages are only worth having fresh.
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

export const TYPES = {
  html: 'text/html; charset=utf-8',
  text: 'text/plain; charset=utf-8',
  json: 'application/json; charset=utf-8',
  css: 'text/css; charset=utf-8',
} as const;

/** Sends an HTML page. */
export function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type(TYPES.html).send(body);
}

/** Sends plain text. */
export function text(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type(TYPES.text).send(body);
}

/** Sends JSON. */
export function json(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type(TYPES.json).send(JSON.stringify(body));
}

/** 303 See Other to `location` (a POST's answer), with a short text body. */
export function redirect(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(303).header('location', location).type(TYPES.text).send(`Se ${location}\n`);
}

/** "a***@example.se": enough to follow a case in the logs without keeping the address. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at <= 0 ? '***' : `${email[0]}***${email.slice(at)}`;
}

/** A plausible e-mail address (the mail server has the last word), lower-cased and trimmed; else undefined. */
export function cleanEmail(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const email = raw.trim().toLowerCase();
  return email.length <= 254 && /^[^\s@<>"(),;:]+@[^\s@<>"(),;:]+\.[^\s@<>"(),;:]+$/.test(email) ? email : undefined;
}

/** A form or query field as a list of strings (repeated fields arrive as arrays). */
export function many(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' && value !== '' ? [value] : [];
}

/** A form or query field as one string ('' when missing or repeated). */
export function one(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The 1-based page number in `?sida=`; 1 when missing or nonsense. */
export function pageNumber(query: unknown): number {
  const n = Number.parseInt(one((query as Record<string, unknown> | undefined)?.sida), 10);
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
}

/** The query string `params` without empty values, with `sida` set to `page`. */
export function pageHref(path: string, params: Record<string, string | undefined>, page: number): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  if (page > 1) q.set('sida', String(page));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/**
 * True when a POST comes from our own pages: the browser says same-origin (Sec-Fetch-Site), or
 * its Origin is our base URL's or the Host it addressed. A request with neither is refused.
 */
export function fromOurPages(req: FastifyRequest, baseUrl: string): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin';
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return false;
  const ours = new Set([new URL(baseUrl).origin]);
  if (req.headers.host) ours.add(`${req.protocol}://${req.headers.host}`);
  return ours.has(origin);
}

/** True when the body is exactly the RFC 8058 one-click form: `List-Unsubscribe=One-Click`. */
export function isOneClick(body: unknown): boolean {
  if (!body || typeof body !== 'object') return false;
  const entries = Object.entries(body as Record<string, unknown>);
  return (
    entries.length === 1 &&
    entries[0]![0] === 'List-Unsubscribe' &&
    typeof entries[0]![1] === 'string' &&
    entries[0]![1].trim() === 'One-Click'
  );
}

/**
 * Answers a request node:http rejects before any route sees it (headers too large, a
 * request that took too long) with the right status and the security headers.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body =
    status === 431 ? 'För stora rubriker i förfrågan.\n' : status === 408 ? 'Förfrågan tog för lång tid.\n' : 'Felaktig förfrågan.\n';
  const headers = {
    ...SECURITY_HEADERS,
    'content-type': TYPES.text,
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  };
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('')}\r\n${body}`,
    );
  }
  socket.destroy();
}
