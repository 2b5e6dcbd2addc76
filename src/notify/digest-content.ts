/**
 * What one recipient's digest covers: ongoing disruptions, those resolved or no longer
 * listed since the last digest, service windows in the next 14 days and releases in
 * the next 30, with what changed about them. Pure: events and changes in, lists out.
 */
import type { Change, Event } from '../domain/event.js';
import type { Kind } from '../domain/types.js';
import { mailEvent, type MailEvent, type PlannedEntry } from '../mail/types.js';

const DAY = 86_400_000;
export const WINDOW_DAYS = 14;
export const RELEASE_DAYS = 30;

export interface Interest {
  /** 'all' or the service ids followed. */
  services: 'all' | Set<string>;
  kinds: Set<Kind>;
}

export interface DigestContent {
  ongoing: MailEvent[];
  resolved: MailEvent[];
  vanished: MailEvent[];
  windows: PlannedEntry[];
  releases: PlannedEntry[];
}

/** Events and their changes within (since, until], indexed once and shared by every recipient. */
export interface DigestSnapshot {
  events: Event[];
  changesByEvent: Map<number, Change[]>;
}

export function snapshot(events: Event[], changes: Change[]): DigestSnapshot {
  const changesByEvent = new Map<number, Change[]>();
  for (const c of changes) {
    const list = changesByEvent.get(c.eventId) ?? [];
    list.push(c);
    changesByEvent.set(c.eventId, list);
  }
  return { events, changesByEvent };
}

function concerns(e: Event, interest: Interest): boolean {
  if (!interest.kinds.has(e.kind)) return false;
  return interest.services === 'all' || e.services.some((s) => (interest.services as Set<string>).has(s));
}

/** The digest for one recipient's interest over (since, until]. */
export function digestContent(snap: DigestSnapshot, interest: Interest, since: Date, until: Date): DigestContent {
  const from = since.getTime();
  const to = until.getTime();
  const within = (e: Event) =>
    (snap.changesByEvent.get(e.id) ?? []).filter((c) => {
      const t = Date.parse(c.at);
      return t > from && t <= to;
    });
  const out: DigestContent = { ongoing: [], resolved: [], vanished: [], windows: [], releases: [] };
  for (const e of snap.events) {
    if (!concerns(e, interest)) continue;
    const recent = within(e);
    if (e.kind === 'disruption') {
      if (e.vanishedAt === null && e.status === 'ongoing') out.ongoing.push(mailEvent(e));
      else if (e.status === 'resolved' && recent.some((c) => c.type === 'resolved')) out.resolved.push(mailEvent(e));
      else if (e.vanishedAt !== null && recent.some((c) => c.type === 'vanished' && c.before?.status === 'ongoing'))
        out.vanished.push(mailEvent(e));
      continue;
    }
    const entry = plannedEntry(e, recent, to, e.kind === 'maintenance' ? WINDOW_DAYS : RELEASE_DAYS);
    if (entry) (e.kind === 'maintenance' ? out.windows : out.releases).push(entry);
  }
  const byStart = (a: { start: string | null }, b: { start: string | null }) => Date.parse(a.start ?? '') - Date.parse(b.start ?? '') || 0;
  out.ongoing.sort(byStart);
  out.windows.sort((a, b) => byStart(a.event, b.event));
  out.releases.sort((a, b) => byStart(a.event, b.event));
  return out;
}

function plannedEntry(e: Event, recent: Change[], now: number, days: number): PlannedEntry | null {
  if (e.status === 'cancelled') {
    return recent.some((c) => c.type === 'cancelled') && upcoming(e, now, Infinity) ? { event: mailEvent(e), note: 'cancelled' } : null;
  }
  if (e.vanishedAt !== null || e.status !== 'planned' || !upcoming(e, now, days)) return null;
  const moved = recent.find((c) => c.type === 'rescheduled');
  if (recent.some((c) => c.type === 'created' && !c.baseline)) return { event: mailEvent(e), note: 'new' };
  if (moved) {
    const before = moved.before ?? {};
    return {
      event: mailEvent(e),
      note: 'rescheduled',
      previous: {
        start: 'start' in before ? (before.start as string | null) : e.start,
        end: 'end' in before ? (before.end as string | null) : e.end,
      },
    };
  }
  return { event: mailEvent(e), note: null };
}

/** Not over yet, and starting within `days` (an item with no time at all is listed). */
function upcoming(e: Event, now: number, days: number): boolean {
  if (!e.start) return true;
  const start = Date.parse(e.start);
  const end = e.end ? Date.parse(e.end) : start;
  return end >= now && start <= now + days * DAY;
}

export function isEmpty(c: DigestContent): boolean {
  return !c.ongoing.length && !c.resolved.length && !c.vanished.length && !c.windows.length && !c.releases.length;
}

/** Most items a digest lists per section; the rest are counted, with a link to the web overview. */
export const MAX_DIGEST_SECTION_ITEMS = 50;

/** The content with each section cut to `max` items, and how many each lost. */
export function capDigest(c: DigestContent, max = MAX_DIGEST_SECTION_ITEMS): DigestContent & { more?: Record<string, number> } {
  const more: Record<string, number> = {};
  const cut = <T>(name: keyof DigestContent, list: T[]): T[] => {
    if (list.length <= max) return list;
    more[name] = list.length - max;
    return list.slice(0, max);
  };
  const out = {
    ongoing: cut('ongoing', c.ongoing),
    resolved: cut('resolved', c.resolved),
    vanished: cut('vanished', c.vanished),
    windows: cut('windows', c.windows),
    releases: cut('releases', c.releases),
  };
  return Object.keys(more).length ? { ...out, more } : out;
}
