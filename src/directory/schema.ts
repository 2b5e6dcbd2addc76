/**
 * The regional directory file (defaults/region-uppsala.yaml): administrations and system
 * objects, who their contacts are and which services concern them. Validated with zod so
 * that every problem is reported with its path in the file, not only the first.
 */
import { z } from 'zod';
import type { Catalogue } from '../domain/services.js';
import type { ServiceSelection } from '../domain/types.js';
import { emailSchema } from '../domain/address.js';

/** The only part of the catalogue validation needs; tests may pass a stand-in. */
export type ServiceLookup = Pick<Catalogue, 'byId'>;

/** Lower-case letters, digits and dashes: unit ids appear in URLs, reports and logs. */
export const SLUG = /^[a-z0-9][a-z0-9-]*$/;

/** How a contact takes its mail: a person's inbox, or an Easit ticket system mail-in address. */
export const CHANNELS = ['email', 'easit'] as const;

const contactSchema = z
  .object({
    role: z.string().trim().min(1),
    email: emailSchema(),
    name: z.string().trim().min(1).optional(),
    channel: z.enum(CHANNELS).optional(),
  })
  .strict();

/**
 * `all` or a list of catalogue ids. Written as one transform (not a union) so that an
 * unknown id is reported at its own index, e.g. `services.2`, whatever else is wrong.
 * YAML reads an unquoted `1177` as a number, so numbers are taken as ids too.
 */
function servicesSchema(catalogue: ServiceLookup | undefined) {
  return z.unknown().transform((value, ctx): ServiceSelection => {
    if (value === 'all') return 'all';
    if (!Array.isArray(value)) {
      ctx.issues.push({ code: 'custom', message: 'expected "all" or a list of service ids', input: value });
      return z.NEVER;
    }
    const ids: string[] = [];
    value.forEach((raw: unknown, i) => {
      if (typeof raw !== 'string' && typeof raw !== 'number') {
        ctx.issues.push({ code: 'custom', message: 'expected a service id', input: raw, path: [i] });
        return;
      }
      const id = String(raw).trim();
      if (catalogue && !catalogue.byId(id)) {
        ctx.issues.push({ code: 'custom', message: `unknown service "${id}"`, input: raw, path: [i] });
        return;
      }
      if (!ids.includes(id)) ids.push(id);
    });
    return ids;
  });
}

function unitSchema(catalogue: ServiceLookup | undefined) {
  return z
    .object({
      id: z.string().regex(SLUG, 'lower-case letters, digits and dashes'),
      name: z.string().trim().min(1),
      contacts: z.array(contactSchema),
      services: servicesSchema(catalogue),
    })
    .strict();
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch (err) {
    // Intl signals an unknown zone with a RangeError; anything else is a real fault.
    if (err instanceof RangeError) return false;
    throw err;
  }
}

/**
 * The directory schema. With a catalogue, service ids must exist in it. Ids must be unique
 * across administrations and objects, and an address at most once per unit; those checks
 * run even when other parts of the file are wrong, so one run lists every problem.
 */
export function directorySchema(catalogue?: ServiceLookup) {
  const unit = unitSchema(catalogue);
  return z
    .object({
      region: z.string().trim().min(1),
      timezone: z.string().refine(isTimeZone, 'not an IANA time zone, e.g. "Europe/Stockholm"'),
      sender: z
        .object({ name: z.string().trim().min(1), address: emailSchema(), reply_to: emailSchema().optional() })
        .strict()
        .optional(),
      administrations: z.array(unit),
      objects: z.array(unit).default([]),
    })
    .strict()
    .superRefine((value, ctx) => checkUniqueness(value as unknown, ctx), { when: () => true });
}

/** A validated directory file. */
export type Directory = z.output<ReturnType<typeof directorySchema>>;

/** Walks the raw (possibly malformed) input for repeated unit ids and repeated addresses within a unit. */
function checkUniqueness(raw: unknown, ctx: z.RefinementCtx): void {
  if (typeof raw !== 'object' || raw === null) return;
  const seen = new Map<string, string>();
  for (const list of ['administrations', 'objects'] as const) {
    const units = (raw as Record<string, unknown>)[list];
    if (!Array.isArray(units)) continue;
    units.forEach((u: unknown, i) => {
      if (typeof u !== 'object' || u === null) return;
      const { id, contacts } = u as { id?: unknown; contacts?: unknown };
      if (typeof id === 'string') {
        const first = seen.get(id);
        if (first) ctx.addIssue({ code: 'custom', message: `duplicate id "${id}" (first used at ${first})`, path: [list, i, 'id'] });
        else seen.set(id, `${list}.${i}`);
      }
      if (!Array.isArray(contacts)) return;
      const emails = new Set<string>();
      contacts.forEach((c: unknown, j) => {
        const email = typeof c === 'object' && c !== null ? (c as { email?: unknown }).email : undefined;
        if (typeof email !== 'string') return;
        const key = email.trim().toLowerCase();
        if (emails.has(key)) {
          ctx.addIssue({ code: 'custom', message: `"${email}" is listed twice for this unit`, path: [list, i, 'contacts', j, 'email'] });
        }
        emails.add(key);
      });
    });
  }
}
