/**
 * Per-address links in every message: one-click unsubscribe (https + mailto) and
 * "manage what you get", signed so that one person's link never acts on another.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { MessageLinks } from '../mail/types.js';

/** A token naming one address: base64url(email) + "." + HMAC. */
export function addressToken(email: string, secret: string): string {
  const id = Buffer.from(email.toLowerCase(), 'utf8').toString('base64url');
  return `${id}.${sign(id, secret)}`;
}

/** The address a token names, or undefined when the signature does not hold. */
export function verifyAddressToken(token: string, secret: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 2) return undefined;
  const [id, mac] = parts as [string, string];
  if (!id || !mac) return undefined;
  const expected = Buffer.from(sign(id, secret));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  return Buffer.from(id, 'base64url').toString('utf8');
}

function sign(id: string, secret: string): string {
  return createHmac('sha256', secret).update(id).digest('base64url').slice(0, 32);
}

/** The links for one recipient's message. */
export function linksFor(email: string, opts: { baseUrl: string; secret: string }): MessageLinks {
  const token = addressToken(email, opts.secret);
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
