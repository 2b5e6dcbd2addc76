/**
 * What a message is made from. The notify stage builds these from the store; the
 * renderer turns them into subject, HTML and text; the outbox keeps them as JSON so
 * a message can be previewed again or resent with a note.
 */
import type { ChangeType } from '../domain/types.js';
import type { EventRow } from '../store/events.repo.js';

export interface MessageLinks {
  /** One-click unsubscribe page for this address (https). */
  unsubscribe: string;
  /** Where the recipient manages what they follow. */
  manage: string;
  /** The web app's status overview. */
  web: string;
}

/** Set when an admin resends a copy. */
export interface ResendNote {
  reason: string;
  /** ISO time the original was sent (or created, if never sent). */
  originalAt: string;
}

interface Base {
  to: string;
  links: MessageLinks;
  resend?: ResendNote;
}

/** Why a contact receives regional mail: their unit and role. */
export interface Reason {
  unit: string;
  role: string;
}

/** A window or release with what changed about it since the recipient's last digest. */
export interface PlannedEntry {
  event: EventRow;
  /** new: first listed since last digest; rescheduled: times moved (previous holds the old ones); cancelled. */
  note: 'new' | 'rescheduled' | 'cancelled' | null;
  previous?: { start: string | null; end: string | null };
}

export interface DigestData extends Base {
  template: 'digest';
  cadence: 'daily' | 'weekly';
  /** ISO: start of the period covered (the previous digest), or null for the first. */
  since: string | null;
  /** ISO: end of the period covered (now). */
  until: string;
  /** Units and roles that make this address a contact (empty for a plain subscriber). */
  reasons: Reason[];
  /** True when the address also follows services as a subscriber. */
  subscribed: boolean;
  /** Ongoing disruptions with their latest state. */
  ongoing: EventRow[];
  /** Disruptions resolved since the last digest. */
  resolved: EventRow[];
  /** Disruptions Inera stopped listing while still ongoing, since the last digest. */
  vanished: EventRow[];
  /** Service windows in the next 14 days (and cancelled ones since the last digest). */
  windows: PlannedEntry[];
  /** Releases in the next 30 days. */
  releases: PlannedEntry[];
}

export interface AlertItem {
  event: EventRow;
  change: ChangeType;
  /** Values before the change, for "flyttad från … till …". */
  before?: Record<string, unknown> | null;
}

export interface AlertData extends Base {
  template: 'alert';
  reasons: Reason[];
  items: AlertItem[];
}

export interface ReminderData extends Base {
  template: 'reminder';
  reasons: Reason[];
  event: EventRow;
}

export type MessageData = DigestData | AlertData | ReminderData;

export interface RenderContext {
  /** The injected clock's now: decides "no year when it is this year". */
  now: Date;
  sender: { name: string; address: string; replyTo: string };
  /** Display name for a service id (Catalogue.nameOf). */
  serviceName: (id: string) => string;
}

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
}
