/**
 * View models for the public pages: the overview, an event with its history, and what an
 * address gets. They hold finished Swedish strings, so the templates need no helpers.
 */
import type { AppContext } from '../app/context.js';
import type { Change, Event } from '../domain/event.js';
import { formatDateTime, formatForecast, formatSince, formatWhen, listSv, roleFor } from '../domain/format-sv.js';
import { CADENCES, KINDS, type Cadence, type Kind } from '../domain/types.js';
import { findChanges, findEventsByStart, findEvents } from '../store/browse.repo.js';
import { contactsByEmail, listUnits } from '../store/directory.repo.js';
import { listSources } from '../store/sources.repo.js';
import { getSubscriptionByEmail, isSuppressed } from '../store/subscriptions.repo.js';
import { httpUrlOrNull } from '../util/urls.js';

/** How far ahead the overview lists service windows, and releases. */
export const WINDOW_DAYS = 14;
export const RELEASE_DAYS = 30;
/** Failed polls in a row before the overview warns that it may be out of date (one miss is routine). */
const STALE_AFTER_FAILURES = 2;
const DAY_MS = 86_400_000;
/** No overview list grows with the history: at most this many per section. */
const SECTION_LIMIT = 100;

export const CADENCE_SV: Record<Cadence, string> = { immediate: 'direkt', daily: 'dagligen', weekly: 'veckovis' };
/** The cadence as the form spells it (kadens=direkt|daglig|veckovis). */
export const CADENCE_FORM: Record<string, Cadence> = { direkt: 'immediate', daglig: 'daily', veckovis: 'weekly' };
export const KIND_PLURAL_SV: Record<Kind, string> = { disruption: 'störningar', maintenance: 'servicefönster', release: 'releaser' };
/** The kinds as the form spells them (typ=störningar|servicefönster|releaser). */
export const KIND_FORM: Record<string, Kind> = { störningar: 'disruption', servicefönster: 'maintenance', releaser: 'release' };
const KIND_SV: Record<Kind, string> = { disruption: 'Störning', maintenance: 'Servicefönster', release: 'Release' };
const STATUS_SV: Record<string, string> = { ongoing: 'Pågår', resolved: 'Åtgärdad', planned: 'Planerad', cancelled: 'Inställd' };
const PROVIDERS: Record<string, string> = { inera: 'Inera', ehm: 'E-hälsomyndigheten' };
const FIELD_SV: Record<string, string> = {
  title: 'rubrik',
  status: 'status',
  kind: 'typ',
  services: 'tjänster',
  start: 'starttid',
  end: 'sluttid',
  url: 'länk',
  impact: 'påverkan',
  timeText: 'tidsuppgift',
  details: 'beskrivning',
  guid: 'id hos källan',
  key: 'id hos källan',
};

type Ctx = Pick<AppContext, 'db' | 'clock' | 'catalogue' | 'config'>;

/** The publisher of an event's source as readers see it: the configured name, else from the link. */
export function publisherOf(ctx: Pick<AppContext, 'config'>, e: Pick<Event, 'sourceId' | 'url'>): string {
  const configured = ctx.config.sources.find((s) => s.id === e.sourceId)?.name;
  if (configured) return configured;
  try {
    const host = new URL(e.url ?? '').hostname.replace(/^www\./, '');
    return host.endsWith('inera.se') ? 'Inera' : host;
  } catch {
    return 'källan';
  }
}

/** One event as a card on the overview and in lists. */
export interface EventCard {
  id: number;
  title: string;
  kind: string;
  kindClass: string;
  status: string;
  services: string;
  url: string | null;
  publisher: string;
  impact: string | null;
  since: string | null;
  forecast: string | null;
  when: string;
}

/** An event as a card: finished Swedish strings. */
export function eventCard(ctx: Ctx, e: Event, now: Date): EventCard {
  return {
    id: e.id,
    title: e.title,
    kind: KIND_SV[e.kind],
    kindClass: e.status === 'cancelled' ? 'cancelled' : e.kind,
    status: STATUS_SV[e.status] ?? e.status,
    services: e.services.map((id) => ctx.catalogue.nameOf(id)).join(', '),
    url: httpUrlOrNull(e.url),
    publisher: publisherOf(ctx, e),
    impact: e.impact,
    since: e.start ? formatSince(e.start, now) : null,
    forecast: formatForecast(e, now),
    when: formatWhen(e.start, e.end, now),
  };
}

/** An option in a filter's select. */
export interface Option {
  value: string;
  label: string;
  selected: boolean;
}

/** The overview's filter: a service, or an administration's services. */
export interface OverviewFilter {
  service?: string;
  unit?: string;
}

/** The overview at `/`. */
export interface StatusView {
  disruptions: EventCard[];
  windows: EventCard[];
  releases: EventCard[];
  checked: string | null;
  stale: boolean;
  services: Option[];
  units: Option[];
  filtered: boolean;
  filterText: string;
  /** Query string for the calendar and feed links with the same filter ('' when none). */
  query: string;
  /** Who publishes what the page shows ("Inera", "Inera och E-hälsomyndigheten"). */
  publishers: string;
  /** Whether Inera is among them (the page then links to Inera's own status page). */
  inera: boolean;
}

/** The service ids a filter names: one service, an administration's (undefined = everything). */
export function filterServices(ctx: Pick<AppContext, 'db'>, f: OverviewFilter): string[] | undefined {
  let ids: string[] | undefined;
  if (f.service) ids = [f.service];
  if (f.unit) {
    const unit = listUnits(ctx.db).find((u) => u.id === f.unit);
    // An unknown administration matches nothing rather than everything.
    const own = !unit ? [] : unit.services === 'all' ? undefined : unit.services;
    if (own) ids = ids ? ids.filter((id) => own.includes(id)) : own;
  }
  return ids;
}

/** Builds the overview from the events still listed, at the clock's now, filtered by service or administration. */
export function statusView(ctx: Ctx, filter: OverviewFilter = {}): StatusView {
  const now = ctx.clock.now();
  const services = filterServices(ctx, filter);
  const base = { services, listedOnly: true };
  const disruptions = findEvents(ctx.db, { ...base, kinds: ['disruption'], statuses: ['ongoing'] }, { limit: SECTION_LIMIT, offset: 0 });
  const upcoming = (kind: Kind, days: number) =>
    findEventsByStart(
      ctx.db,
      { ...base, kinds: [kind], statuses: ['planned', 'ongoing'], to: new Date(now.getTime() + days * DAY_MS).toISOString() },
      SECTION_LIMIT * 4,
    )
      // A window already under way still matters to the reader until it ends.
      .filter((e) => (e.end ? Date.parse(e.end) : Date.parse(e.start!)) >= now.getTime() || e.status === 'ongoing')
      .slice(0, SECTION_LIMIT);
  const sources = listSources(ctx.db);
  const lastSuccess = sources
    .map((s) => s.lastSuccessAt)
    .filter((t): t is string => t !== null)
    .sort()
    .at(-1);
  const units = listUnits(ctx.db).filter((u) => u.type === 'administration');
  const serviceName = filter.service ? ctx.catalogue.nameOf(filter.service) : null;
  const unitName = filter.unit ? (units.find((u) => u.id === filter.unit)?.name ?? filter.unit) : null;
  const q = new URLSearchParams();
  if (filter.service) q.set('tjanst', filter.service);
  if (filter.unit) q.set('forvaltning', filter.unit);
  return {
    disruptions: disruptions.map((e) => eventCard(ctx, e, now)),
    windows: upcoming('maintenance', WINDOW_DAYS).map((e) => eventCard(ctx, e, now)),
    releases: upcoming('release', RELEASE_DAYS).map((e) => eventCard(ctx, e, now)),
    checked: lastSuccess ? formatDateTime(lastSuccess, now) : null,
    stale: sources.some((s) => s.consecutiveFailures >= STALE_AFTER_FAILURES),
    services: ctx.catalogue.services
      .map((s) => ({ value: s.id, label: s.name, selected: s.id === filter.service }))
      .sort((a, b) => a.label.localeCompare(b.label, 'sv')),
    units: units.map((u) => ({ value: u.id, label: u.name, selected: u.id === filter.unit })),
    filtered: Boolean(serviceName || unitName),
    filterText: [serviceName, unitName].filter(Boolean).join(' och '),
    query: q.toString() ? `?${q.toString()}` : '',
    publishers: listSv([...new Set(ctx.config.sources.map((s) => s.name))]) || 'källorna',
    inera: ctx.config.sources.some((s) => s.name === 'Inera'),
  };
}

/** One step in an event's history, in words. */
export function describeChange(ctx: Ctx, c: Change, e: Event): string {
  const fields = c.fields.map((f) => FIELD_SV[f] ?? f);
  switch (c.type) {
    case 'created':
      return c.baseline ? `Fanns hos ${publisherOf(ctx, e)} när bevakningen började` : `Publicerades hos ${publisherOf(ctx, e)}`;
    case 'updated':
      return fields.length ? `Ändrad: ${listSv(fields)}` : 'Ändrad';
    case 'resolved':
      return `${publisherOf(ctx, e)} markerade den som åtgärdad`;
    case 'cancelled':
      return 'Inställd';
    case 'rescheduled': {
      const start = typeof c.after?.start === 'string' ? c.after.start : e.start;
      const end = typeof c.after?.end === 'string' ? c.after.end : null;
      return `Ny tid: ${formatWhen(start, end, ctx.clock.now())}`;
    }
    case 'vanished':
      return `${publisherOf(ctx, e)} listar den inte längre`;
    case 'reappeared':
      return `Listas igen hos ${publisherOf(ctx, e)}`;
    default:
      return c.type;
  }
}

/** The event page at `/handelse/ID`: the event and its whole history, oldest first. */
export function eventView(ctx: Ctx, e: Event) {
  const now = ctx.clock.now();
  const changes = findChanges(ctx.db, { eventId: e.id }, { limit: 500, offset: 0 }).reverse();
  return {
    event: eventCard(ctx, e, now),
    listed: e.vanishedAt === null,
    firstSeen: formatDateTime(e.firstSeenAt, now),
    timeText: e.timeText,
    details: e.details,
    history: changes.map((c) => ({ at: formatDateTime(c.at, now), text: describeChange(ctx, c, e) })),
  };
}

/** The services as checkbox groups, one per provider. */
export function serviceGroups(ctx: Pick<AppContext, 'catalogue'>, chosen: string[]) {
  const groups = new Map<string, { provider: string; services: { id: string; name: string; checked: boolean }[] }>();
  for (const s of ctx.catalogue.services) {
    const provider = PROVIDERS[s.provider] ?? s.provider;
    if (!groups.has(provider)) groups.set(provider, { provider, services: [] });
    groups.get(provider)!.services.push({ id: s.id, name: s.name, checked: chosen.includes(s.id) });
  }
  for (const g of groups.values()) g.services.sort((a, b) => a.name.localeCompare(b.name, 'sv'));
  return [...groups.values()];
}

/** The cadence radio buttons, and the kind checkboxes, with the current choice marked. */
export function choiceLists(cadence: Cadence, kinds: Kind[]) {
  const formCadence = Object.fromEntries(Object.entries(CADENCE_FORM).map(([k, v]) => [v, k])) as Record<Cadence, string>;
  const formKind = Object.fromEntries(Object.entries(KIND_FORM).map(([k, v]) => [v, k])) as Record<Kind, string>;
  return {
    cadences: CADENCES.map((c) => ({ value: formCadence[c], label: CADENCE_SV[c], checked: c === cadence })),
    kinds: KINDS.map((k) => ({ value: formKind[k], label: KIND_PLURAL_SV[k], checked: kinds.includes(k) })),
  };
}

/** What one address gets, at `GET /prenumeration/:token`, with the form to change it. */
export function subscriptionView(ctx: Ctx, email: string, token: string) {
  const units = contactsByEmail(ctx.db, email).map((c) => ({ as: roleFor(c.role, c.unit) }));
  const sub = getSubscriptionByEmail(ctx.db, email);
  return {
    email,
    token,
    suppressed: isSuppressed(ctx.db, email),
    units,
    subscription: sub
      ? {
          services: sub.services.map((id) => ctx.catalogue.nameOf(id)),
          cadence: CADENCE_SV[sub.cadence],
          kinds: listSv(sub.kinds.map((k) => KIND_PLURAL_SV[k])),
          confirmed: sub.confirmed,
        }
      : null,
    listed: units.length > 0 || sub !== undefined,
    groups: serviceGroups(ctx, sub?.services ?? []),
    ...choiceLists(sub?.cadence ?? 'daily', sub?.kinds ?? [...KINDS]),
  };
}
