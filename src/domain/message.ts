/** A message in the outbox: what it is, where it stands, and everything needed to send it again. */

export const MESSAGE_KINDS = ['alert', 'digest', 'reminder', 'resend'] as const;
/** What a message is; `resend` is an admin's copy of another. */
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const MESSAGE_STATUSES = ['queued', 'sending', 'sent', 'failed'] as const;
/** queued → sending → sent | failed; a temporary failure goes back to queued. */
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** A message to enqueue: everything needed to send it, preview it again or resend it. */
export interface NewMessage {
  /** Idempotency key (digest:<to>:<cadence>:<slot>, alert:<to>:<batch>, …): one row per key, ever. */
  key: string;
  kind: MessageKind;
  to: string;
  from: string;
  replyTo: string | null;
  subject: string;
  html: string;
  text: string;
  /** Extra headers sent as they are (List-Unsubscribe, Auto-Submitted, …). */
  headers: Record<string, string>;
  /** The Message-ID header value with angle brackets, stable for the key. */
  messageId: string;
  /** The template and its data, so a message can be previewed again or resent with a note. */
  template: string;
  data: object;
  /** UTC ISO; also the first time the message is due. */
  createdAt: string;
  originalId?: number | null;
  requestedBy?: string | null;
  reason?: string | null;
}

/** A stored message: what was enqueued, plus where its delivery stands. */
export interface OutboxMessage extends Required<NewMessage> {
  id: number;
  /** As stored; read it back through the mail stage's schema before using it. */
  data: Record<string, unknown>;
  status: MessageStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  transport: string | null;
  sentAt: string | null;
}
