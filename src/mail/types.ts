/**
 * What a message is made from. The notify stage builds these from domain events; the
 * renderer turns them into subject, HTML and text; the outbox keeps them as JSON so a
 * message can be previewed again or resent with a note. The schemas are the one
 * definition: the types below are inferred from them, and a stored message's data is
 * read back through them (readMessageData), so an older row re-renders or fails clearly.
 */
import { z } from 'zod';
import { DriftkollError } from '../domain/errors.js';
import type { Event } from '../domain/event.js';
import { CHANGE_TYPES, KINDS, STATUSES } from '../domain/types.js';

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO time');

/** The part of an event a mail shows: what it is, which services, when, and where to read more. */
export const mailEventSchema = z.object({
  id: z.number().int(),
  sourceId: z.string(),
  kind: z.enum(KINDS),
  status: z.enum(STATUSES),
  title: z.string(),
  services: z.array(z.string()),
  start: isoTime.nullable(),
  end: isoTime.nullable(),
  url: z.string().nullable(),
  impact: z.string().nullable(),
  timeText: z.string().nullable(),
});
export type MailEvent = z.infer<typeof mailEventSchema>;

/** An event as mail shows it: only the fields above, so a stored message holds no more. */
export function mailEvent(e: Event): MailEvent {
  const { id, sourceId, kind, status, title, services, start, end, url, impact, timeText } = e;
  return { id, sourceId, kind, status, title, services, start, end, url, impact, timeText };
}

export const messageLinksSchema = z.object({
  /** One-click unsubscribe page for this address (https). */
  unsubscribe: z.string(),
  /** Where the recipient manages what they follow. */
  manage: z.string(),
  /** The web app's status overview. */
  web: z.string(),
});
export type MessageLinks = z.infer<typeof messageLinksSchema>;

/** Why a contact receives regional mail: their unit and role. */
export const reasonSchema = z.object({ unit: z.string(), role: z.string() });
export type Reason = z.infer<typeof reasonSchema>;

const base = {
  to: z.string(),
  links: messageLinksSchema,
  /** Set when an admin resends a copy: why, and when the original was sent (or created). */
  resend: z.object({ reason: z.string(), originalAt: isoTime }).optional(),
};

/** A window or release with what changed about it since the recipient's last digest. */
export const plannedEntrySchema = z.object({
  event: mailEventSchema,
  /** new: first listed since last digest; rescheduled: times moved (previous holds the old ones); cancelled. */
  note: z.enum(['new', 'rescheduled', 'cancelled']).nullable(),
  previous: z.object({ start: isoTime.nullable(), end: isoTime.nullable() }).optional(),
});
export type PlannedEntry = z.infer<typeof plannedEntrySchema>;

export const digestDataSchema = z.object({
  ...base,
  template: z.literal('digest'),
  cadence: z.enum(['daily', 'weekly']),
  /** Start of the period covered (the previous digest), or null for the first. */
  since: isoTime.nullable(),
  /** End of the period covered (now). */
  until: isoTime,
  /** Units and roles that make this address a contact (empty for a plain subscriber). */
  reasons: z.array(reasonSchema),
  /** True when the address also follows services as a subscriber. */
  subscribed: z.boolean(),
  ongoing: z.array(mailEventSchema),
  /** Disruptions resolved since the last digest. */
  resolved: z.array(mailEventSchema),
  /** Disruptions Inera stopped listing while still ongoing, since the last digest. */
  vanished: z.array(mailEventSchema),
  /** Service windows in the next 14 days (and cancelled ones since the last digest). */
  windows: z.array(plannedEntrySchema),
  /** Releases in the next 30 days. */
  releases: z.array(plannedEntrySchema),
  /** Per section (ongoing, resolved, …), how many more there were than the mail lists; absent when none. */
  more: z.record(z.string(), z.number().int().nonnegative()).optional(),
});
export type DigestData = z.infer<typeof digestDataSchema>;

export const alertItemSchema = z.object({
  event: mailEventSchema,
  change: z.enum(CHANGE_TYPES),
  /** Values before the change, for "flyttad från … till …". */
  before: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type AlertItem = z.infer<typeof alertItemSchema>;

export const alertDataSchema = z.object({
  ...base,
  template: z.literal('alert'),
  reasons: z.array(reasonSchema),
  items: z.array(alertItemSchema),
  /** How many more changes there were than the mail lists (see MAX_ALERT_ITEMS); absent when none. */
  more: z.number().int().nonnegative().optional(),
});
export type AlertData = z.infer<typeof alertDataSchema>;

export const reminderDataSchema = z.object({
  ...base,
  template: z.literal('reminder'),
  reasons: z.array(reasonSchema),
  event: mailEventSchema,
});
export type ReminderData = z.infer<typeof reminderDataSchema>;

export const messageDataSchema = z.discriminatedUnion('template', [digestDataSchema, alertDataSchema, reminderDataSchema]);
export type MessageData = z.infer<typeof messageDataSchema>;

/** A stored message's data as this version reads it; a row it cannot read fails with the field and the problem. */
export function readMessageData(raw: unknown, outboxId: number): MessageData {
  const parsed = messageDataSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`)
    .slice(0, 3)
    .join('; ');
  throw new DriftkollError(`outbox message ${outboxId} was stored in a form this version cannot read (${problems})`, {
    hint: 'it cannot be re-rendered; its stored HTML and text are still in the outbox',
  });
}

export interface RenderContext {
  /** The injected clock's now: decides "no year when it is this year". */
  now: Date;
  sender: { name: string; address: string; replyTo: string };
  /** Display name for a service id (Catalogue.nameOf). */
  serviceName: (id: string) => string;
  /**
   * The configured sources: who publishes each (config `sources[].name`) and its page, so each
   * event's "Läs mer" and the footer name that event's own source. Without it, Inera is assumed.
   */
  sources?: readonly MailSource[];
}

/** A source as mail names it. */
export interface MailSource {
  id: string;
  /** The publisher readers see: "Inera", "E-hälsomyndigheten". */
  name: string;
  /** The source's public page; null when it is not an http(s) address. */
  url: string | null;
}

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
}
