/** The configuration file's schema (zod): parsed once at start-up and passed in. */
import { z } from 'zod';
import { emailSchema } from '../domain/address.js';
import { KINDS } from '../domain/types.js';

const duration = z
  .union([z.number().int().positive(), z.string().regex(/^\d+\s*(ms|s|m|h)$/, 'a duration like "500ms", "30s", "5m" or "1h"')])
  .transform((v) => {
    if (typeof v === 'number') return v * 1000;
    const [, n, unit] = /^(\d+)\s*(ms|s|m|h)$/.exec(v)!;
    return Number(n) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
  });

const sourceSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    adapter: z.string().min(1),
    url: z.url(),
    /** How often to poll, e.g. "5m"; in milliseconds after parsing. */
    interval: duration.optional(),
    selectors: z.object({ item: z.string().optional(), title: z.string().optional(), badge: z.string().optional() }).strict().optional(),
    defaultKind: z.enum(KINDS).optional(),
    trustGuid: z.boolean().optional(),
    emptyTexts: z.array(z.string()).optional(),
    /** Who publishes the source, as readers see it ("Inera", "E-hälsomyndigheten"). */
    name: z.string().trim().min(1).optional(),
  })
  .strict();

export const configSchema = z
  .object({
    sources: z.array(sourceSchema).min(1).optional(),
    /** Path to a directory YAML (administrations, contacts, services); relative to the config file. */
    directory: z.string().optional(),
    database: z.string().optional(),
    baseUrl: z.url().optional(),
    port: z.number().int().min(0).max(65535).optional(),
    http: z
      .object({
        timeout: duration.optional(),
        maxBytes: z.number().int().positive().optional(),
        retries: z.number().int().min(0).max(10).optional(),
        /** First retry delay after a 5xx, 429 or connection error; doubled per attempt. */
        backoff: duration.optional(),
        contact: z.string().optional(),
      })
      .strict()
      .optional(),
    polling: z
      .object({
        interval: duration.optional(),
        /** Healthy polls an item must be missing from before it counts as vanished. */
        vanishAfter: z.number().int().min(1).max(100).optional(),
        jitter: duration.optional(),
      })
      .strict()
      .optional(),
    schedules: z
      .object({
        digest: z.string().optional(),
        weeklyDigest: z.string().optional(),
        reminderLeadHours: z
          .number()
          .positive()
          .max(24 * 14)
          .optional(),
        sendEmptyDigests: z.boolean().optional(),
      })
      .strict()
      .optional(),
    /** Addresses of the central team: admin console logins and source-health notices. */
    admins: z.array(emailSchema()).optional(),
    sender: z
      .object({ name: z.string().min(1), address: emailSchema(), replyTo: emailSchema().optional() })
      .strict()
      .optional(),
    delivery: z
      .object({
        maxAttempts: z.number().int().min(1).max(50).optional(),
        backoff: duration.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ConfigFile = z.output<typeof configSchema>;
