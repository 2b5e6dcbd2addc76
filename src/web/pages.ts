/**
 * The web pages: view models built from the store, poured into Handlebars templates
 * (templates/web/*.hbs). Every value reaches the page through `{{…}}`, so Handlebars escapes
 * it; scraped titles and impacts are data, never markup. View models hold finished Swedish
 * strings, so the templates need no helpers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { AppContext } from '../app/context.js';
import type { Event } from '../domain/event.js';
import { formatDateTime, formatForecast, formatSince, formatWhen, listSv } from '../domain/format-sv.js';
import type { Cadence, Kind } from '../domain/types.js';
import { contactsByEmail } from '../store/directory.repo.js';
import { listEvents } from '../store/events.repo.js';
import { listSources } from '../store/sources.repo.js';
import { getSubscriptionByEmail, isSuppressed } from '../store/subscriptions.repo.js';
import { packagePath } from '../util/paths.js';
import { httpUrlOrNull } from '../util/urls.js';

/** How far ahead the overview lists service windows and releases. */
const UPCOMING_DAYS = 14;
/** Failed polls in a row before the overview warns that it may be out of date (one miss is routine). */
const STALE_AFTER_FAILURES = 2;

const CADENCE_SV: Record<Cadence, string> = { immediate: 'direkt', daily: 'dagligen', weekly: 'veckovis' };
const KIND_PLURAL_SV: Record<Kind, string> = { disruption: 'störningar', maintenance: 'servicefönster', release: 'releaser' };

/** Who the pages speak for: the region's sender name and the address people can write to. */
export interface Site {
  name: string;
  replyTo: string;
}

/** One event as the overview shows it. */
export interface OverviewEvent {
  id: number;
  title: string;
  services: string;
  url: string | null;
  impact: string | null;
  since: string | null;
  forecast: string | null;
  when: string;
}

/** The overview at `/`: ongoing disruptions, and windows and releases in the next 14 days. */
export interface StatusView {
  disruptions: OverviewEvent[];
  upcoming: OverviewEvent[];
  checked: string | null;
  stale: boolean;
}

/** The confirm page at `GET /avsluta/:token`. */
export interface UnsubscribeView {
  email: string;
  token: string;
  suppressed: boolean;
}

/** What one address gets, at `GET /prenumeration/:token`. */
export interface SubscriptionView extends UnsubscribeView {
  units: { role: string; unit: string }[];
  subscription: { services: string[]; cadence: string; kinds: string; confirmed: boolean } | null;
  /** True when the address is a contact or a subscriber at all. */
  listed: boolean;
}

/** The compiled pages; each call returns a whole HTML document. */
export interface Pages {
  status(view: StatusView): string;
  unsubscribe(view: UnsubscribeView): string;
  subscription(view: SubscriptionView): string;
  badLink(): string;
  notFound(): string;
  error(): string;
}

const TITLES = {
  status: 'Driftläget för e-tjänster',
  unsubscribe: 'Avsluta utskicken',
  subscription: 'Dina utskick',
  'bad-link': 'Länken fungerar inte',
  'not-found': 'Sidan finns inte',
  error: 'Något gick fel',
} as const;

/**
 * Reads and compiles the templates once, in a private Handlebars environment (so no other
 * code's helpers or partials leak in). Strict mode turns a misspelt field into an error
 * instead of a silently blank page.
 */
export function createPages(site: Site, dir = packagePath('templates', 'web')): Pages {
  const hb = Handlebars.create();
  const sources = new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith('.hbs'))
      .map((f) => [f.slice(0, -'.hbs'.length), readFileSync(join(dir, f), 'utf8')] as const),
  );
  const read = (name: string): string => {
    const source = sources.get(name);
    if (source === undefined) throw new Error(`web template ${join(dir, `${name}.hbs`)} is missing`);
    // Triple-stash would pass scraped text through unescaped: refuse to start with one.
    if (source.includes('{{{')) throw new Error(`web template ${name}.hbs uses {{{ }}}, which skips escaping; use {{ }}`);
    return source;
  };
  hb.registerPartial('layout', hb.compile(read('layout'), { strict: true }));
  const page = <T extends object>(name: keyof typeof TITLES) => {
    const compiled = hb.compile<T & { title: string; site: Site }>(read(name), { strict: true });
    return (view: T) => compiled({ ...view, title: TITLES[name], site });
  };
  const badLink = page<object>('bad-link');
  const notFound = page<object>('not-found');
  const error = page<object>('error');
  return {
    status: page<StatusView>('status'),
    unsubscribe: page<UnsubscribeView>('unsubscribe'),
    subscription: page<SubscriptionView>('subscription'),
    badLink: () => badLink({}),
    notFound: () => notFound({}),
    error: () => error({}),
  };
}

function overviewEvent(ctx: Pick<AppContext, 'catalogue'>, e: Event, now: Date): OverviewEvent {
  return {
    id: e.id,
    title: e.title,
    services: e.services.map((id) => ctx.catalogue.nameOf(id)).join(', '),
    url: httpUrlOrNull(e.url),
    impact: e.impact,
    since: e.start ? formatSince(e.start, now) : null,
    forecast: formatForecast(e, now),
    when: formatWhen(e.start, e.end, now),
  };
}

/** Builds the overview from the events still listed by Inera, at the clock's now. */
export function statusView(ctx: Pick<AppContext, 'db' | 'clock' | 'catalogue'>): StatusView {
  const now = ctx.clock.now();
  const nowMs = now.getTime();
  const horizon = nowMs + UPCOMING_DAYS * 24 * 60 * 60 * 1000;
  const events = listEvents(ctx.db, { listedOnly: true });
  const disruptions = events.filter((e) => e.kind === 'disruption' && e.status === 'ongoing');
  const upcoming = events
    .filter((e) => {
      if (e.kind === 'disruption' || (e.status !== 'planned' && e.status !== 'ongoing') || !e.start) return false;
      const start = Date.parse(e.start);
      const end = e.end ? Date.parse(e.end) : start;
      // A window already under way still matters to the reader until it ends.
      return start <= horizon && (end >= nowMs || e.status === 'ongoing');
    })
    .sort((a, b) => Date.parse(a.start!) - Date.parse(b.start!) || a.id - b.id);
  const sources = listSources(ctx.db);
  const lastSuccess = sources
    .map((s) => s.lastSuccessAt)
    .filter((t): t is string => t !== null)
    .sort()
    .at(-1);
  return {
    disruptions: disruptions.map((e) => overviewEvent(ctx, e, now)),
    upcoming: upcoming.map((e) => overviewEvent(ctx, e, now)),
    checked: lastSuccess ? formatDateTime(lastSuccess, now) : null,
    stale: sources.some((s) => s.consecutiveFailures >= STALE_AFTER_FAILURES),
  };
}

/** What the address gets as a unit contact and as a subscriber, and whether it has opted out. */
export function subscriptionView(ctx: Pick<AppContext, 'db' | 'catalogue'>, email: string, token: string): SubscriptionView {
  const units = contactsByEmail(ctx.db, email).map((c) => ({ role: c.role, unit: c.unit }));
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
  };
}
