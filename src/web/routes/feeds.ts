/**
 * Calendar, feed and API: /kalender.ics (ical-generator), /handelser.atom (feed) and the JSON
 * API /api/v1/events and /api/v1/changes in DESIGN.md's shapes, filtered and paged.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Feed } from 'feed';
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { changeJson, eventJson } from '../../domain/present.js';
import { CHANGE_TYPES, KINDS, STATUSES, type Kind, type Status } from '../../domain/types.js';
import { changeStats, findChanges, findEvents, findEventsByStart, type EventFilter } from '../../store/browse.repo.js';
import { getEvent } from '../../store/events.repo.js';
import { json, many, one, PAGE_SIZE } from '../http.js';
import type { WebDeps } from '../server.js';
import { describeChange, filterServices, publisherOf } from '../views.js';

/** The calendar shows windows and releases from this long ago onwards. */
const CALENDAR_PAST_MS = 60 * 86_400_000;
/** At most this many events in the calendar; Outlook refreshes it every few hours. */
const CALENDAR_LIMIT = 2000;
/** An event without an end is shown as one hour. */
const DEFAULT_LENGTH_MS = 3_600_000;
const MAX_API_LIMIT = 200;
const KIND_SV: Record<Kind, string> = { disruption: 'Störning', maintenance: 'Servicefönster', release: 'Release' };

class BadQuery extends Error {}

/** An instant from the query (ISO 8601, with or without time), stored form; undefined when absent. */
function instant(value: unknown, name: string): string | undefined {
  const raw = one(value);
  if (!raw) return undefined;
  const ms = Date.parse(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(ms))
    throw new BadQuery(`${name} must be an ISO 8601 time, e.g. 2026-11-24T08:00:00+01:00`);
  return new Date(ms).toISOString();
}

/** Values of a repeatable (or comma-separated) parameter, each one of `allowed`. */
function listOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T[] | undefined {
  const values = many(value)
    .flatMap((v) => v.split(','))
    .filter(Boolean);
  if (!values.length) return undefined;
  const bad = values.find((v) => !(allowed as readonly string[]).includes(v));
  if (bad) throw new BadQuery(`${name} must be one of ${allowed.join(', ')}; got "${bad}"`);
  return values as T[];
}

/** `page` (1-based) and `limit` (1–200, default 50). */
function paging(q: Record<string, unknown>) {
  const page = one(q.page) ? Number(one(q.page)) : 1;
  const limit = one(q.limit) ? Number(one(q.limit)) : PAGE_SIZE;
  if (!Number.isInteger(page) || page < 1) throw new BadQuery('page must be a whole number from 1');
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_API_LIMIT)
    throw new BadQuery(`limit must be a whole number from 1 to ${MAX_API_LIMIT}`);
  return { page, limit, offset: (page - 1) * limit };
}

/** The link to the next page, or null when this one was not full. */
function nextLink(path: string, q: Record<string, unknown>, page: number, got: number, limit: number): string | null {
  if (got <= limit) return null;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) for (const item of many(v)) if (k !== 'page') params.append(k, item);
  params.set('page', String(page + 1));
  return `${path}?${params.toString()}`;
}

/** Registers the calendar, the feed and the API. */
export function feedRoutes(app: FastifyInstance, deps: WebDeps): void {
  const { ctx } = deps;
  const { db, config } = ctx;
  const host = new URL(config.baseUrl).hostname;

  /** Runs `fn`, answering a bad parameter with 400 and its reason as JSON. */
  const api = (reply: FastifyReply, fn: () => unknown) => {
    try {
      return json(reply, 200, fn());
    } catch (err) {
      if (err instanceof BadQuery) return json(reply, 400, { error: err.message });
      throw err;
    }
  };
  /** The API's event filter: service (repeatable), administration, kind, status, from, to. */
  const eventFilter = (q: Record<string, unknown>): EventFilter => {
    const services = [...many(q.service), ...many(q.tjanst)].flatMap((s) => s.split(',')).filter(Boolean);
    const unit = one(q.administration) || one(q.forvaltning);
    const byUnit = unit ? filterServices(ctx, { unit }) : undefined;
    return {
      services: services.length ? (byUnit ? services.filter((s) => byUnit.includes(s)) : services) : byUnit,
      kinds: listOf<Kind>(q.kind, KINDS, 'kind'),
      statuses: listOf<Status>(q.status, STATUSES, 'status'),
      from: instant(q.from, 'from'),
      to: instant(q.to, 'to'),
    };
  };

  app.get('/api/v1/events', (req, reply) =>
    api(reply, () => {
      const q = req.query as Record<string, unknown>;
      const { page, limit, offset } = paging(q);
      const rows = findEvents(db, eventFilter(q), { limit: limit + 1, offset });
      return { events: rows.slice(0, limit).map(eventJson), page, next: nextLink('/api/v1/events', q, page, rows.length, limit) };
    }),
  );

  app.get('/api/v1/changes', (req, reply) =>
    api(reply, () => {
      const q = req.query as Record<string, unknown>;
      const { page, limit, offset } = paging(q);
      const eventId = one(q.event);
      if (eventId && !/^\d{1,12}$/.test(eventId)) throw new BadQuery('event must be an event id');
      const rows = findChanges(
        db,
        {
          event: eventFilter(q),
          eventId: eventId ? Number(eventId) : undefined,
          since: instant(q.since, 'since'),
          until: instant(q.until, 'until'),
          types: listOf(q.type, CHANGE_TYPES, 'type'),
        },
        { limit: limit + 1, offset },
      );
      return { changes: rows.slice(0, limit).map(changeJson), page, next: nextLink('/api/v1/changes', q, page, rows.length, limit) };
    }),
  );

  app.get('/kalender.ics', (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const services = filterServices(ctx, { service: one(q.tjanst) || undefined, unit: one(q.forvaltning) || undefined });
    const now = ctx.clock.now();
    const events = findEventsByStart(
      db,
      { services, kinds: ['maintenance', 'release'], from: new Date(now.getTime() - CALENDAR_PAST_MS).toISOString() },
      CALENDAR_LIMIT,
    );
    const stats = changeStats(
      db,
      events.map((e) => e.id),
    );
    const cal = ical({
      name: `Servicefönster och releaser – ${config.sender.name}`,
      prodId: { company: config.sender.name, product: 'driftkoll', language: 'SV' },
      method: ICalCalendarMethod.PUBLISH,
      ttl: 3600,
    });
    for (const e of events) {
      const start = new Date(e.start!);
      const endMs = e.end ? Date.parse(e.end) : Number.NaN;
      const end = Number.isNaN(endMs) || endMs <= start.getTime() ? new Date(start.getTime() + DEFAULT_LENGTH_MS) : new Date(endMs);
      const st = stats.get(e.id);
      const services = e.services.map((id) => ctx.catalogue.nameOf(id)).join(', ');
      cal.createEvent({
        id: `driftkoll-event-${e.id}@${host}`,
        start,
        end,
        // UTC throughout: no zone rules to get wrong at the DST changes, and Outlook shows local time.
        stamp: new Date(st?.lastAt ?? e.lastSeenAt),
        lastModified: new Date(st?.lastAt ?? e.lastSeenAt),
        created: new Date(e.firstSeenAt),
        // Raised on every recorded change, so calendars replace their copy.
        sequence: Math.max(0, (st?.count ?? 1) - 1),
        status: e.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
        summary: `${e.status === 'cancelled' ? 'Inställt: ' : ''}${KIND_SV[e.kind]}: ${e.title}`,
        description: [services && `Gäller: ${services}`, e.impact, e.timeText && `Tid enligt ${publisherOf(ctx, e)}: ${e.timeText}`]
          .filter(Boolean)
          .join('\n'),
        url: `${config.baseUrl}/handelse/${e.id}`,
      });
    }
    return reply
      .header('cache-control', 'no-cache')
      .header('content-disposition', 'inline; filename="kalender.ics"')
      .type('text/calendar; charset=utf-8')
      .send(cal.toString());
  });

  app.get('/handelser.atom', (_req, reply) => {
    const now = ctx.clock.now();
    const changes = findChanges(db, { types: [...CHANGE_TYPES] }, { limit: PAGE_SIZE, offset: 0 }).filter((c) => !c.baseline);
    const feed = new Feed({
      id: `${config.baseUrl}/handelser.atom`,
      title: `Driftinformation – ${config.sender.name}`,
      description: 'Störningar, servicefönster och releaser i nationella e-tjänster, och hur de ändras.',
      link: `${config.baseUrl}/`,
      language: 'sv',
      updated: changes[0] ? new Date(changes[0].at) : now,
      feedLinks: { atom: `${config.baseUrl}/handelser.atom` },
      author: { name: config.sender.name, email: config.sender.replyTo },
      copyright: config.sender.name,
    });
    const events = new Map<number, ReturnType<typeof getEvent>>();
    for (const c of changes) {
      if (!events.has(c.eventId)) events.set(c.eventId, getEvent(db, c.eventId));
      const e = events.get(c.eventId);
      if (!e) continue;
      const services = e.services.map((id) => ctx.catalogue.nameOf(id)).join(', ');
      feed.addItem({
        id: `${config.baseUrl}/handelse/${e.id}#andring-${c.id}`,
        title: `${KIND_SV[e.kind]}: ${e.title} – ${describeChange(ctx, c, e)}`,
        link: `${config.baseUrl}/handelse/${e.id}`,
        date: new Date(c.at),
        description: [services && `Gäller: ${services}.`, e.impact].filter(Boolean).join(' '),
      });
    }
    return reply.header('cache-control', 'no-cache').type('application/atom+xml; charset=utf-8').send(feed.atom1());
  });
}
