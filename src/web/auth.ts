/**
 * Admin sign-in: one-use login links (mailed from /admin/logga-in, or printed by
 * `driftkoll admin login-link`) and the 8-hour session a link's button starts.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app/context.js';
import { hashToken, OPAQUE_TOKEN, randomToken } from '../notify/links.js';
import { deleteSession, findSession, insertSession, type AdminSession } from '../store/sessions.repo.js';
import { findToken, insertToken, useToken, type LinkToken } from '../store/tokens.repo.js';
import { storedTime } from '../util/time.js';

export const SESSION_COOKIE = 'driftkoll_admin';
export const SESSION_MS = 8 * 3_600_000;
/** A login link is good for this long, and once. */
export const LOGIN_LINK_MS = 30 * 60_000;

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config'>;

/** True when the address is one of config.admins. */
export function isAdmin(ctx: Pick<AppContext, 'config'>, email: string): boolean {
  return ctx.config.admins.includes(email.trim().toLowerCase());
}

/** Makes a one-use login link for an admin address; returns the whole URL. */
export function createLoginLink(ctx: Ctx, email: string): string {
  const token = randomToken();
  const now = ctx.clock.now();
  insertToken(ctx.db, {
    hash: hashToken(token),
    purpose: 'login',
    email: email.trim().toLowerCase(),
    data: {},
    createdAt: storedTime(now),
    expiresAt: storedTime(new Date(now.getTime() + LOGIN_LINK_MS)),
  });
  return `${ctx.config.baseUrl}/admin/logga-in/${token}`;
}

/** The unused, unexpired login token with this value, or undefined (a malformed token included). */
export function pendingLogin(ctx: Ctx, token: string): LinkToken | undefined {
  if (!OPAQUE_TOKEN.test(token)) return undefined;
  const row = findToken(ctx.db, hashToken(token), 'login');
  const now = storedTime(ctx.clock.now());
  return row && !row.usedAt && (!row.expiresAt || row.expiresAt > now) ? row : undefined;
}

/**
 * Uses the login token and starts a session for its address (still an admin at this moment);
 * sets the session cookie and returns the address, or undefined when the link no longer works.
 */
export function startSession(ctx: Ctx, token: string, reply: FastifyReply, secure: boolean): string | undefined {
  const row = pendingLogin(ctx, token);
  const now = ctx.clock.now();
  if (!row || !isAdmin(ctx, row.email) || !useToken(ctx.db, row.hash, 'login', storedTime(now))) return undefined;
  const id = randomToken();
  insertSession(ctx.db, {
    hash: hashToken(id),
    email: row.email,
    createdAt: storedTime(now),
    expiresAt: storedTime(new Date(now.getTime() + SESSION_MS)),
  });
  reply.setCookie(SESSION_COOKIE, id, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: SESSION_MS / 1000 });
  return row.email;
}

/** The signed-in admin, or undefined; an address no longer in config.admins is signed out. */
export function currentAdmin(deps: { ctx: Ctx }, req: FastifyRequest): AdminSession | undefined {
  const id = req.cookies[SESSION_COOKIE];
  if (!id || !OPAQUE_TOKEN.test(id)) return undefined;
  const session = findSession(deps.ctx.db, hashToken(id), storedTime(deps.ctx.clock.now()));
  return session && isAdmin(deps.ctx, session.email) ? session : undefined;
}

/** Ends the request's session and clears its cookie. */
export function endSession(ctx: Ctx, req: FastifyRequest, reply: FastifyReply): void {
  const id = req.cookies[SESSION_COOKIE];
  if (id) deleteSession(ctx.db, hashToken(id), storedTime(ctx.clock.now()));
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
