/**
 * Message data → view model: every word a mail says is decided here, once, for both the
 * HTML and the plain-text part. Templates only lay it out. Scraped text (titles, impact,
 * raw time text) stays data: it is cleaned of control characters and line breaks here and
 * escaped by Handlebars in the HTML; it never reaches a template as markup.
 */
import {
  countSv,
  formatDate,
  formatDateTime,
  formatForecast,
  formatSince,
  formatWhen,
  isoWeek,
  listSv,
  roleFor,
} from '../domain/format-sv.js';
import type { ChangeType, Kind, Status } from '../domain/types.js';
import { stripStatusPrefix } from '../domain/status-words.js';
import { httpUrlOrNull } from '../util/urls.js';
import type {
  AlertData,
  AlertItem,
  DigestData,
  MailEvent,
  MailSource,
  MessageData,
  PlannedEntry,
  Reason,
  ReminderData,
  RenderContext,
} from './types.js';

/** A link whose text makes sense on its own. */
export interface LinkView {
  href: string;
  text: string;
}

/** One event block: a heading and a short list of facts. */
export interface MailEventView {
  heading: string;
  /** What changed, first in the block: "Ny", "Flyttat från … till …". */
  change: string | null;
  status: string;
  services: { label: string; names: string } | null;
  when: { label: string; text: string } | null;
  forecast: string | null;
  impact: string | null;
  link: LinkView | null;
}

/** A part of the mail: an optional <h2> and its events (as <h3> under a heading, else <h2>). */
export interface SectionView {
  heading: string | null;
  level: 2 | 3;
  events: MailEventView[];
  /** "och 120 ändringar till" and a link to the rest, when the mail lists only part. */
  more: { text: string; link: LinkView } | null;
}

/** The line under a cut list: how many more, and where they all are. */
function moreLine(n: number | undefined, words: [string, string], web: string): SectionView['more'] {
  if (!n) return null;
  return { text: `… och ${n} ${n === 1 ? words[0] : words[1]} till.`, link: { href: web, text: 'Se allt på webben' } };
}

/** Everything a template shows; the same object feeds the HTML and the text part. */
export interface MailView {
  subject: string;
  /** Inbox preview line; hidden in the HTML. */
  preview: string;
  heading: string;
  resend: string | null;
  intro: string[];
  sections: SectionView[];
  /** Shown when there is nothing to report. */
  empty: string | null;
  /** Why the reader gets this: a sentence, or a lead-in and a list; then the subscriber note. */
  why: { lead: string; items: string[]; after: string | null };
  footer: {
    sender: string;
    replyTo: string;
    web: string;
    manage: string;
    unsubscribe: string;
    /** "Källa" or "Källor". */
    sourceLabel: string;
    /** The sources of the events in the mail (all configured ones when it has none); href null when there is no web page. */
    sources: { text: string; href: string | null }[];
  };
}

/** Inera's own status page: the source assumed when the render context names none. */
export const INERA_STATUS_URL = 'https://www.inera.se/driftstatus/';
const INERA: MailSource = { id: 'inera', name: 'Inera', url: INERA_STATUS_URL };

/**
 * The source that published an event, as configured. One no longer configured is named the
 * way config names a source without a name: Inera for Inera's pages, else the host of the
 * event's own link, else its id.
 */
function sourceOf(e: Pick<MailEvent, 'sourceId' | 'url'>, ctx: RenderContext): MailSource {
  if (!ctx.sources) return INERA;
  const found = ctx.sources.find((s) => s.id === e.sourceId);
  if (found) return found;
  if (e.sourceId.startsWith('inera')) return { ...INERA, id: e.sourceId };
  const link = httpUrlOrNull(e.url);
  return { id: e.sourceId, name: link ? new URL(link).hostname.replace(/^www\./, '') : e.sourceId, url: null };
}
const SUBJECT_MAX = 150;

/** Scraped text as one clean line: line breaks and control characters become spaces (format characters such as bidi overrides go), runs collapse. */
export function oneLine(text: string): string {
  return text
    .replace(/\p{Cf}+/gu, '')
    .replace(/[\s\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ')
    .trim();
}

/** A header-safe subject: one line, no CR/LF, at most ~150 characters (cut at a word, with "…"). */
export function subjectLine(text: string): string {
  const line = oneLine(text);
  if (line.length <= SUBJECT_MAX) return line;
  const cut = line.slice(0, SUBJECT_MAX - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > SUBJECT_MAX / 2 ? cut.slice(0, space) : cut).replace(/[\s,.:;–-]+$/u, '')}…`;
}

/** The title as published, minus status prefixes such as "Åtgärdat:" (which the mail says in its own words). */
export function plainTitle(title: string): string {
  return stripStatusPrefix(oneLine(title)) || oneLine(title);
}

// ------------------------------------------------------------------ words

interface Noun {
  word: string;
  definite: string;
  neuter: boolean;
}
const NOUNS: Record<Kind, Noun> = {
  disruption: { word: 'Störning', definite: 'störningen', neuter: false },
  maintenance: { word: 'Servicefönster', definite: 'servicefönstret', neuter: true },
  release: { word: 'Release', definite: 'releasen', neuter: false },
};
/** An adjective agreeing with the kind: "Ny störning", "Nytt servicefönster". */
const agree = (kind: Kind, common: string, neuter: string): string => (NOUNS[kind].neuter ? neuter : common);

const STATUS_WORDS: Record<Kind, Record<Status, string>> = {
  disruption: { ongoing: 'Pågående störning', resolved: 'Åtgärdad', planned: 'Planerad störning', cancelled: 'Inställd' },
  maintenance: {
    ongoing: 'Pågående servicefönster',
    resolved: 'Avslutat servicefönster',
    planned: 'Planerat servicefönster',
    cancelled: 'Inställt servicefönster',
  },
  release: { ongoing: 'Pågående release', resolved: 'Genomförd release', planned: 'Planerad release', cancelled: 'Inställd release' },
};

const FIELD_WORDS: Record<string, string> = {
  title: 'ny rubrik',
  status: 'nytt läge',
  kind: 'ny typ',
  services: 'ändrade tjänster',
  start: 'ny starttid',
  impact: 'ny information om påverkan',
  url: 'ny länk',
};

const resolvedWord = (kind: Kind): string => (kind === 'disruption' ? 'Åtgärdad' : kind === 'maintenance' ? 'Avslutat' : 'Genomförd');

function serviceNames(e: MailEvent, ctx: RenderContext): string | null {
  return e.services.length ? listSv(e.services.map((id) => oneLine(ctx.serviceName(id)))) : null;
}

const capitalise = (s: string): string => s.charAt(0).toLocaleUpperCase('sv') + s.slice(1);

/** "Flyttat från … till …" from the values before the change (only changed fields are in `before`). */
function moved(e: MailEvent, before: Record<string, unknown> | null | undefined, now: Date): string {
  const old = (f: 'start' | 'end'): string | null =>
    before && f in before ? (typeof before[f] === 'string' ? (before[f] as string) : null) : e[f];
  const from = formatWhen(old('start'), old('end'), now);
  return `${agree(e.kind, 'Flyttad', 'Flyttat')} från ${from} till ${formatWhen(e.start, e.end, now)}`;
}

function changeWords(item: AlertItem, ctx: RenderContext): string {
  const { event: e, change, before } = item;
  const now = ctx.now;
  const words: Record<ChangeType, () => string> = {
    created: () => agree(e.kind, 'Ny', 'Nytt'),
    updated: () => {
      const fields = Object.keys(before ?? {})
        .map((f) => (f === 'end' ? (e.kind === 'disruption' ? 'ny prognos' : 'ny sluttid') : FIELD_WORDS[f]))
        .filter(Boolean) as string[];
      const head = agree(e.kind, 'Uppdaterad', 'Uppdaterat');
      return fields.length ? `${head} med ${listSv([...new Set(fields)])}` : head;
    },
    resolved: () => resolvedWord(e.kind),
    cancelled: () => agree(e.kind, 'Inställd', 'Inställt'),
    rescheduled: () => moved(e, before, now),
    reappeared: () => 'Listas igen',
    vanished: () => `${sourceOf(e, ctx).name} listar inte längre ${NOUNS[e.kind].definite}`,
  };
  return words[change]();
}

/** One event as a block; `change` is the line that says what is new about it. */
export function eventView(e: MailEvent, ctx: RenderContext, change: string | null = null, vanished = false): MailEventView {
  const title = plainTitle(e.title);
  const names = serviceNames(e, ctx);
  const source = sourceOf(e, ctx);
  const ongoingDisruption = e.kind === 'disruption' && e.status === 'ongoing';
  let when: MailEventView['when'] = null;
  if (e.start) when = { label: 'När', text: ongoingDisruption ? formatSince(e.start, ctx.now) : formatWhen(e.start, e.end, ctx.now) };
  else if (e.timeText) when = { label: `När (enligt ${source.name})`, text: oneLine(e.timeText) };
  else if (e.end) when = { label: 'När', text: formatWhen(null, e.end, ctx.now) };
  const status = STATUS_WORDS[e.kind][e.status];
  return {
    heading: title,
    change: vanished && !change ? `${source.name} listar inte längre ${NOUNS[e.kind].definite}` : change === status ? null : change,
    status: vanished ? `Senast listad som ${status.toLocaleLowerCase('sv')}` : status,
    services: names ? { label: e.services.length > 1 ? 'Tjänster' : 'Tjänst', names } : null,
    when,
    forecast: vanished ? null : formatForecast(e, ctx.now),
    impact: e.impact ? oneLine(e.impact) || null : null,
    link: readMoreLink(httpUrlOrNull(e.url), title, source),
  };
}

// ------------------------------------------------------------------ subjects

/** "Störning i 1177 journal", or the plain title when no service is named. */
function core(e: MailEvent, ctx: RenderContext): string {
  const names = serviceNames(e, ctx);
  return names ? `${NOUNS[e.kind].word} i ${names}` : plainTitle(e.title);
}

/** The subject line for one alert item: what, which service, when. */
function alertSubject(item: AlertItem, ctx: RenderContext): string {
  const { event: e, change } = item;
  const now = ctx.now;
  if (change === 'vanished') return `Listas inte längre: ${core(e, ctx)}`;
  if (e.kind === 'disruption') {
    if (e.status === 'resolved') return `Åtgärdad: ${core(e, ctx)}`;
    if (e.status === 'cancelled' || change === 'cancelled') return `Inställd: ${core(e, ctx)}`;
    const since = e.start && e.status === 'ongoing' ? ` ${formatSince(e.start, now)}` : '';
    const prefix = { created: '', updated: 'Uppdaterad: ', reappeared: 'Listas igen: ', rescheduled: 'Ny tid: ' }[change as string] ?? '';
    return `${prefix}${core(e, ctx)}${since}`;
  }
  const names = serviceNames(e, ctx) ?? plainTitle(e.title);
  const noun = NOUNS[e.kind].word.toLocaleLowerCase('sv');
  const when = e.start || e.end ? formatWhen(e.start, e.end, now) : '';
  switch (change) {
    case 'cancelled':
      return `${agree(e.kind, 'Inställd', 'Inställt')} ${noun}: ${names}${e.start ? ` ${formatDate(e.start, now)}` : ''}`;
    case 'rescheduled':
      return `${agree(e.kind, 'Flyttad', 'Flyttat')} ${noun}: ${names}${when ? `, nu ${when}` : ''}`;
    case 'resolved':
      return `${resolvedWord(e.kind)} ${noun}: ${names}`;
    case 'reappeared':
      return `Listas igen: ${core(e, ctx)}${when ? ` ${when}` : ''}`;
    case 'updated':
      return `${agree(e.kind, 'Uppdaterad', 'Uppdaterat')} ${noun}: ${names}${when ? ` ${when}` : ''}`;
    default:
      return `${agree(e.kind, 'Ny', 'Nytt')} ${noun}: ${names}${when ? ` ${when}` : ''}`;
  }
}

// ------------------------------------------------------------------ shared parts

function whyView(reasons: Reason[], subscribed: boolean): MailView['why'] {
  const as = reasons.map((r) => roleFor(oneLine(r.role), oneLine(r.unit)));
  const sub = 'Du prenumererar på driftinformation om tjänster du valt.';
  if (as.length === 0) return { lead: sub, items: [], after: null };
  const after = subscribed ? sub : null;
  if (as.length === 1) return { lead: `Du får det här utskicket som ${as[0]}.`, items: [], after };
  return { lead: 'Du får det här utskicket som:', items: as, after };
}

/** The events a message is about, for naming their sources. */
function eventsOf(data: MessageData): MailEvent[] {
  switch (data.template) {
    case 'digest':
      return [
        ...data.ongoing,
        ...data.resolved,
        ...data.vanished,
        ...data.windows.map((p) => p.event),
        ...data.releases.map((p) => p.event),
      ];
    case 'alert':
      return data.items.map((i) => i.event);
    case 'reminder':
      return [data.event];
  }
}

/** The footer's source line: each source the message draws on once, in order; all configured ones for an empty digest. */
function footerSources(data: MessageData, ctx: RenderContext): MailView['footer']['sources'] {
  const used: MailSource[] = [];
  for (const e of eventsOf(data)) {
    const s = sourceOf(e, ctx);
    if (!used.some((u) => u.name === s.name)) used.push(s);
  }
  const list = used.length ? used : ctx.sources?.length ? dedupeByName(ctx.sources) : [INERA];
  return list.map((s) => ({ text: s.name, href: s.url ? httpUrlOrNull(s.url) : null }));
}

function dedupeByName(sources: readonly MailSource[]): MailSource[] {
  return sources.filter((s, i) => sources.findIndex((t) => t.name === s.name) === i);
}

function frame(data: MessageData, ctx: RenderContext, why: MailView['why']): Pick<MailView, 'resend' | 'why' | 'footer'> {
  const r = data.resend;
  const sources = footerSources(data, ctx);
  return {
    resend: r
      ? `Det här är en kopia av ett meddelande från ${formatDateTime(r.originalAt, ctx.now)}. Anledning: ${oneLine(r.reason).replace(/[.\s]+$/u, '')}.`
      : null,
    why,
    footer: {
      sender: ctx.sender.name,
      replyTo: ctx.sender.replyTo,
      web: data.links.web,
      manage: data.links.manage,
      unsubscribe: data.links.unsubscribe,
      sourceLabel: sources.length > 1 ? 'Källor' : 'Källa',
      sources,
    },
  };
}

// ------------------------------------------------------------------ the three mails

/** The digest: ongoing, resolved, no longer listed, windows in 14 days, releases in 30. */
export function digestView(d: DigestData, ctx: RenderContext): MailView {
  const now = ctx.now;
  const planned = (p: PlannedEntry): MailEventView => {
    const e = p.event;
    const note =
      p.note === 'new'
        ? agree(e.kind, 'Ny', 'Nytt')
        : p.note === 'rescheduled'
          ? moved(e, p.previous ?? null, now)
          : p.note === 'cancelled' || e.status === 'cancelled'
            ? agree(e.kind, 'Inställd', 'Inställt')
            : null;
    return eventView(e, ctx, note);
  };
  const more = (name: keyof NonNullable<DigestData['more']>, words: [string, string]) => moreLine(d.more?.[name], words, d.links.web);
  const total = (name: 'ongoing' | 'resolved' | 'vanished' | 'windows' | 'releases') => d[name].length + (d.more?.[name] ?? 0);
  const sections: SectionView[] = [
    {
      heading: 'Pågående störningar',
      level: 3 as const,
      events: d.ongoing.map((e) => eventView(e, ctx)),
      more: more('ongoing', ['störning', 'störningar']),
    },
    {
      heading: d.since ? 'Åtgärdade sedan förra utskicket' : 'Nyligen åtgärdade',
      level: 3 as const,
      events: d.resolved.map((e) => eventView(e, ctx)),
      more: more('resolved', ['åtgärdad', 'åtgärdade']),
    },
    {
      heading: 'Inte längre listade',
      level: 3 as const,
      events: d.vanished.map((e) => eventView(e, ctx, null, true)),
      more: more('vanished', ['störning', 'störningar']),
    },
    {
      heading: 'Servicefönster de närmaste 14 dagarna',
      level: 3 as const,
      events: d.windows.map(planned),
      more: more('windows', ['servicefönster', 'servicefönster']),
    },
    {
      heading: 'Releaser de närmaste 30 dagarna',
      level: 3 as const,
      events: d.releases.map(planned),
      more: more('releases', ['release', 'releaser']),
    },
  ].filter((s) => s.events.length > 0);
  const heading =
    d.cadence === 'weekly'
      ? `Veckans driftläge för e-tjänster, vecka ${isoWeek(d.until) ?? ''}`
      : `Driftläget för e-tjänster ${formatDate(d.until, now)}`;
  const summary = [
    total('ongoing') ? countSv(total('ongoing'), 'pågående störning', 'pågående störningar') : '',
    total('resolved') ? countSv(total('resolved'), 'åtgärdad', 'åtgärdade') : '',
    total('vanished') ? countSv(total('vanished'), 'inte längre listad', 'inte längre listade') : '',
    total('windows') ? countSv(total('windows'), 'servicefönster', 'servicefönster') : '',
    total('releases') ? countSv(total('releases'), 'release', 'releaser') : '',
  ].filter(Boolean);
  const empty = sections.length ? null : 'Inga störningar eller planerade åtgärder berör dina tjänster just nu.';
  return {
    subject: subjectLine(heading),
    preview: summary.length ? capitalise(listSv(summary)) + '.' : (empty ?? ''),
    heading,
    intro: [`Här är läget för de e-tjänster som berör dig${d.since ? `, sedan ${formatDateTime(d.since, now)}` : ''}.`],
    sections,
    empty,
    ...frame(d, ctx, whyView(d.reasons, d.subscribed)),
  };
}

/** Order of importance: ongoing disruptions first, then resolved and vanished ones, then planned work. */
function rank(i: AlertItem): number {
  if (i.event.kind !== 'disruption') return i.event.kind === 'maintenance' ? 3 : 4;
  if (i.change === 'vanished') return 2;
  return i.event.status === 'ongoing' ? 0 : 1;
}

/** An alert: one or several changes, most important first. */
export function alertView(d: AlertData, ctx: RenderContext): MailView {
  const items = [...d.items].sort((a, b) => rank(a) - rank(b));
  const first = items[0];
  const one = first ? alertSubject(first, ctx) : 'Ändring i driftläget';
  const all = items.length + (d.more ?? 0);
  const heading = all > 1 ? `${countSv(all, 'ändring', 'ändringar')} i driftläget` : one;
  const subject = items.length > 1 && first ? `${heading}: ${core(first.event, ctx)} med flera` : one;
  return {
    subject: subjectLine(subject),
    preview:
      items.length > 1
        ? items.map((i) => alertSubject(i, ctx)).join(' · ')
        : first?.event.impact
          ? oneLine(first.event.impact)
          : oneLine(one),
    heading: oneLine(heading),
    intro: [],
    sections: [
      {
        heading: null,
        level: 2,
        events: items.map((i) => eventView(i.event, ctx, changeWords(i, ctx), i.change === 'vanished')),
        more: moreLine(d.more, ['ändring', 'ändringar'], d.links.web),
      },
    ],
    empty: null,
    ...frame(d, ctx, whyView(d.reasons, d.reasons.length === 0)),
  };
}

/** A reminder before a service window or release. */
export function reminderView(d: ReminderData, ctx: RenderContext): MailView {
  const e = d.event;
  const when = e.start || e.end ? formatWhen(e.start, e.end, ctx.now) : '';
  const heading = oneLine(`Påminnelse: ${plainTitle(e.title)} ${when}`);
  const what = e.kind === 'release' ? 'en release' : e.kind === 'maintenance' ? 'ett servicefönster' : 'en åtgärd';
  return {
    subject: subjectLine(heading),
    preview: e.impact ? oneLine(e.impact) : heading,
    heading,
    intro: [`${sourceOf(e, ctx).name} har planerat ${what} som berör dina tjänster.`],
    sections: [{ heading: null, level: 2, events: [eventView(e, ctx)], more: null }],
    empty: null,
    ...frame(d, ctx, whyView(d.reasons, d.reasons.length === 0)),
  };
}

/** The view model for any message. */
export function buildView(data: MessageData, ctx: RenderContext): MailView {
  switch (data.template) {
    case 'digest':
      return digestView(data, ctx);
    case 'alert':
      return alertView(data, ctx);
    case 'reminder':
      return reminderView(data, ctx);
  }
}

/** The "read more" link, naming the event's own publisher; only for an http(s) detail URL. */
function readMoreLink(href: string | null, title: string, source: MailSource): LinkView | null {
  return href ? { href, text: `Läs mer hos ${source.name} om ${title}` } : null;
}
