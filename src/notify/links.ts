/**
 * Per-address links in every message: one-click unsubscribe (https + mailto) and "manage what
 * you get". The token in them is opaque: 43 base64url characters that reveal nothing, derived
 * from the installation's secret and the address (so every mail to an address carries the same
 * link) and stored as a hash naming its address (so a link works only while its row exists).
 * Links mailed before these tokens, `base64url(email).mac`, are still verified by their HMAC.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MessageLinks } from '../mail/types.js';
import type { Db } from '../store/db.js';
import { findToken, insertToken } from '../store/tokens.repo.js';

/** An opaque token: 32 bytes as base64url, nothing more and nothing less. */
export const OPAQUE_TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** The older signed form: base64url(address) "." 32-character MAC. */
const LEGACY_TOKEN = /^([A-Za-z0-9_-]{2,400})\.([A-Za-z0-9_-]{32})$/;

/** The stored form of a token: its SHA-256, hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A fresh random token for one-use links (confirmations, logins). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The address's manage token: the same for every mail to it, derived from the secret. */
export function manageToken(email: string, secret: string): string {
  return createHmac('sha256', secret).update(`manage\0${email.trim().toLowerCase()}`).digest('base64url');
}

/** Derives the address's manage token and makes sure its hash is stored; returns the token. */
export function ensureManageToken(db: Db, email: string, secret: string, at: string): string {
  const token = manageToken(email, secret);
  insertToken(db, { hash: hashToken(token), purpose: 'manage', email: email.trim(), data: {}, createdAt: at, expiresAt: null });
  return token;
}

/**
 * The address a manage link names: an opaque token by its stored hash, an older signed link by
 * its HMAC; undefined for anything else, a token with a character too many included.
 */
export function resolveManageToken(db: Db, token: string, secret: string): string | undefined {
  if (OPAQUE_TOKEN.test(token)) return findToken(db, hashToken(token), 'manage')?.email;
  return verifyAddressToken(token, secret);
}

/** An older link's token: base64url(email) + "." + HMAC. Still verified; no longer mailed. */
export function addressToken(email: string, secret: string): string {
  const id = Buffer.from(email.toLowerCase(), 'utf8').toString('base64url');
  return `${id}.${sign(id, secret)}`;
}

/** The address an older signed token names, or undefined when its form or signature does not hold. */
export function verifyAddressToken(token: string, secret: string): string | undefined {
  const m = LEGACY_TOKEN.exec(token);
  if (!m) return undefined;
  const [, id, mac] = m as unknown as [string, string, string];
  const expected = Buffer.from(sign(id, secret));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  return Buffer.from(id, 'base64url').toString('utf8');
}

function sign(id: string, secret: string): string {
  return createHmac('sha256', secret).update(id).digest('base64url').slice(0, 32);
}

/** The links for one recipient's message, around the address's manage token. */
export function linksFor(token: string, opts: { baseUrl: string }): MessageLinks {
  return {
    unsubscribe: `${opts.baseUrl}/avsluta/${token}`,
    manage: `${opts.baseUrl}/prenumeration/${token}`,
    web: `${opts.baseUrl}/`,
  };
}

/** mailto: form of the unsubscribe link, to the region's reply address. */
export function unsubscribeMailto(email: string, replyTo: string): string {
  return `mailto:${replyTo}?subject=${encodeURIComponent(`Avsluta utskick till ${email}`)}`;
}
