/**
 * Every JSON shape driftkoll prints or serves (DESIGN.md's contract and more): events,
 * parsed items, changes, messages and sources. Stored instants are UTC; here they get the
 * Stockholm offset, which is how people and other programs read them.
 */
import { localIso } from '../util/time.js';
import type { Change, Event, EventFields } from './event.js';
import type { OutboxMessage } from './message.js';
import { isSourceHealthy, type SourceState } from './source-state.js';
import type { ServiceSelection } from './types.js';

/** An item as `driftkoll parse` prints it: the event fields with their key and source. */
export function itemJson(fields: EventFields, source: string, unknownServices: string[] = []) {
  return {
    key: fields.key,
    source,
    kind: fields.kind,
    status: fields.status,
    title: fields.title,
    services: fields.services,
    start: localIso(fields.start),
    end: localIso(fields.end),
    url: fields.url,
    impact: fields.impact,
    timeText: fields.timeText,
    ...(unknownServices.length ? { unknownServices } : {}),
  };
}

export function eventJson(e: Event) {
  return {
    id: e.id,
    ...itemJson(e, e.sourceId),
    listed: e.vanishedAt === null,
    firstSeen: localIso(e.firstSeenAt),
    lastSeen: localIso(e.lastSeenAt),
    vanishedAt: localIso(e.vanishedAt),
  };
}

/** Times inside a change's before/after get the offset too. */
function valuesJson(values: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!values) return null;
  const out = { ...values };
  for (const f of ['start', 'end'] as const) if (typeof out[f] === 'string') out[f] = localIso(out[f]);
  return out;
}

export function changeJson(c: Change) {
  return {
    id: c.id,
    eventId: c.eventId,
    type: c.type,
    fields: c.fields,
    at: localIso(c.at),
    runId: c.runId,
    baseline: c.baseline,
    before: valuesJson(c.before),
    after: valuesJson(c.after),
  };
}

/** The message shape of the contract, plus delivery details. */
export function messageJson(m: OutboxMessage) {
  return {
    id: m.id,
    to: m.to,
    subject: m.subject,
    kind: m.kind,
    status: m.status,
    attempts: m.attempts,
    sentAt: localIso(m.sentAt),
    messageId: m.messageId,
    key: m.key,
    createdAt: localIso(m.createdAt),
    lastError: m.lastError,
    transport: m.transport,
    originalId: m.originalId,
    reason: m.reason,
    requestedBy: m.requestedBy,
  };
}

/** A source's health, as `driftkoll sources --json` prints it. */
export function sourceJson(s: SourceState, at: { intervalMs: number; now: Date }) {
  return {
    id: s.id,
    adapter: s.adapter,
    url: s.url,
    healthy: isSourceHealthy(s, at),
    polled: s.lastPollAt !== null,
    lastPoll: localIso(s.lastPollAt),
    lastSuccess: localIso(s.lastSuccessAt),
    lastFailure: localIso(s.lastFailureAt),
    lastError: s.lastError,
    consecutiveFailures: s.consecutiveFailures,
    itemsFound: s.itemsFound,
    unknownServices: s.unknownServices,
    warnings: s.warnings,
  };
}

/** A configured source that has never been polled: the same shape, every reading empty. */
export function unpolledSourceJson(s: { id: string; adapter: string; url: string }) {
  return {
    id: s.id,
    adapter: s.adapter,
    url: s.url,
    healthy: false,
    polled: false,
    lastPoll: null,
    lastSuccess: null,
    lastFailure: null,
    lastError: null,
    consecutiveFailures: 0,
    itemsFound: null,
    unknownServices: [] as string[],
    warnings: [] as string[],
  };
}

/** An administration or object of the directory with its contacts, as `directory list --json` prints it. */
export function unitJson(u: {
  id: string;
  name: string;
  type: string;
  services: ServiceSelection;
  contacts: { email: string; role: string; name: string | null; channel: string }[];
}) {
  return {
    id: u.id,
    name: u.name,
    type: u.type,
    services: u.services,
    contacts: u.contacts.map((c) => ({ email: c.email, role: c.role, name: c.name, channel: c.channel })),
  };
}

/** A staff subscription, as `subscriptions --json` prints it. */
export function subscriptionJson(s: {
  email: string;
  services: string[];
  cadence: string;
  kinds: string[];
  confirmed: boolean;
  createdAt: string;
  updatedAt: string;
}) {
  return {
    email: s.email,
    services: s.services,
    cadence: s.cadence,
    kinds: s.kinds,
    confirmed: s.confirmed,
    createdAt: localIso(s.createdAt),
    updatedAt: localIso(s.updatedAt),
  };
}

/** A catalogue entry, as `services --json` prints it. */
export function serviceJson(s: { id: string; name: string; provider: string; aliases: string[] }) {
  return { id: s.id, name: s.name, provider: s.provider, aliases: s.aliases };
}

/** One message in full, as `outbox show ID --json` prints it: the log entry, headers, text and history. */
export function messageDetailJson(m: OutboxMessage, history: { status: string; at: string; attempts: number; error: string | null }[]) {
  return {
    ...messageJson(m),
    from: m.from,
    replyTo: m.replyTo,
    headers: m.headers,
    nextAttemptAt: localIso(m.nextAttemptAt),
    text: m.text,
    history: history.map((h) => ({ status: h.status, at: localIso(h.at), attempts: h.attempts, error: h.error })),
  };
}
