/**
 * The one rule for e-mail addresses, wherever they enter (directory file, config admins
 * and sender, `subscribe`, `resend --to`, the web forms): the SMTP limits of RFC 5321
 * (local part at most 64 octets, whole address at most 254) and ASCII only.
 *
 * Internationalised addresses (RFC 6531, SMTPUTF8) are refused with a clear message
 * rather than half supported: the region's relay and many receiving systems do not
 * offer SMTPUTF8, and a queued message that no server will take helps nobody.
 */
import { z } from 'zod';

export const MAX_LOCAL_PART_OCTETS = 64;
export const MAX_ADDRESS_OCTETS = 254;

/** Why `address` cannot be used, in one English sentence; null when it can. */
export function addressProblem(address: string): string | null {
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(address)) {
    return `"${address}" has characters outside ASCII; internationalised addresses are not supported, use the ASCII form`;
  }
  const at = address.lastIndexOf('@');
  if (at < 1 || at === address.length - 1) return `"${address}" is not an e-mail address (local-part@domain)`;
  const local = Buffer.byteLength(address.slice(0, at));
  if (local > MAX_LOCAL_PART_OCTETS) {
    return `the part before @ of "${address}" is ${local} characters; SMTP allows at most ${MAX_LOCAL_PART_OCTETS}`;
  }
  const total = Buffer.byteLength(address);
  if (total > MAX_ADDRESS_OCTETS) return `"${address}" is ${total} characters long; SMTP allows at most ${MAX_ADDRESS_OCTETS}`;
  if (!z.email().safeParse(address).success) return `"${address}" is not an e-mail address`;
  return null;
}

/** A zod schema for one address: trimmed, then checked by {@link addressProblem}, with its words as the issue. */
export function emailSchema() {
  return z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      const problem = addressProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}
