/**
 * Swedish (and a little English) date and time parsing for operational status pages.
 *
 * The parser works in two passes. `scan` finds time-like tokens (absolute ISO
 * stamps, dates, weeks, clock times) in a normalised copy of the text, masking
 * each match so that later, looser patterns cannot re-read its digits. The
 * resolvers then combine the tokens into a start/end pair. All zone maths is
 * luxon in Europe/Stockholm, so DST changes come out right without hand-made
 * offsets. When nothing time-like is found the result says so: we never invent
 * a time.
 */
import { DateTime } from 'luxon';

export const ZONE = 'Europe/Stockholm';

export interface TimeContext {
  /** The injected clock. */
  now: Date;
  /** How to infer a missing year: 'future' for planned items, 'past' for incidents. */
  prefer: 'future' | 'past';
}

export interface TimeRange {
  /** ISO 8601 with the Stockholm offset (e.g. 2026-12-02T22:00:00+01:00), or null. */
  start: string | null;
  /** Exclusive end, ISO 8601 with offset, or null when open or unknown ("Prognos saknas"). */
  end: string | null;
  /** 'minute' when a clock time was read, 'day' for dates only, 'week' for week numbers. */
  precision: 'minute' | 'day' | 'week' | null;
  /** True when the text explicitly says there is no forecast ("Prognos saknas", "ingen prognos"). */
  noForecast: boolean;
  /** True when nothing time-like could be read. */
  unreadable: boolean;
}

// ---------------------------------------------------------------- vocabulary

const MONTHS: Record<string, number> = {
  januari: 1, january: 1, jan: 1, februari: 2, february: 2, feb: 2, mars: 3, march: 3, mar: 3,
  april: 4, apr: 4, maj: 5, may: 5, juni: 6, june: 6, jun: 6, juli: 7, july: 7, jul: 7,
  augusti: 8, august: 8, aug: 8, september: 9, sept: 9, sep: 9, oktober: 10, october: 10,
  okt: 10, oct: 10, november: 11, nov: 11, december: 12, dec: 12,
};

const WEEKDAYS: Record<string, number> = {
  måndag: 1, mån: 1, monday: 1, mon: 1, tisdag: 2, tis: 2, tuesday: 2, tues: 2, tue: 2,
  onsdag: 3, ons: 3, wednesday: 3, wed: 3, torsdag: 4, tors: 4, tor: 4, thursday: 4,
  thurs: 4, thu: 4, fredag: 5, fre: 5, friday: 5, fri: 5, lördag: 6, lör: 6, saturday: 6,
  sat: 6, söndag: 7, sön: 7, sunday: 7, sun: 7,
};

/** Longest first, so that "mars" wins over "mar" and "sept" over "sep". */
const alternation = (words: Record<string, number>): string =>
  Object.keys(words).sort((a, b) => b.length - a.length).join('|');
const MON = alternation(MONTHS);
const WD = alternation(WEEKDAYS);
/** A number must not run on into more digits or a decimal part ("2026.4", "10.000"). */
const NUM_END = String.raw`(?![\p{N}]|[.:,]\p{N})`;
const YEAR = String.raw`(?:,?\s+(\d{4})${NUM_END})?`;

const RE = {
  isoStamp: new RegExp(String.raw`(?<!\p{N})\d{4}-\d{2}-\d{2}t\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:z|[+-]\d{2}(?::?\d{2})?)?(?!\p{N})`, 'gu'),
  rfc2822: new RegExp(String.raw`(?:(?:mon|tue|wed|thu|fri|sat|sun),\s*)?\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\s+\d{4}\s+\d{2}:\d{2}(?::\d{2})?\s+(?:[+-]\d{4}|gmt|utc?)(?!\p{L})`, 'gu'),
  isoDate: new RegExp(String.raw`(?<![\p{N}-])(\d{4})-(\d{2})-(\d{2})(?!\p{N})`, 'gu'),
  // [weekday[en]] [den] 14[–15][.] december [2026]
  dayFirst: new RegExp(String.raw`(?<![\p{L}\p{N}.:])(?:(${WD})(?:en)?\.?,?\s+)?(?:den\s+)?(\d{1,2})(?:\s*(?:[-–&]|\soch\s)\s*(\d{1,2}))?(?:\.|:e|:a)?\s*(${MON})\.?(?!\p{L})${YEAR}`, 'gu'),
  // [weekday,] May 1[st][, 2026]  (English release notes)
  monthFirst: new RegExp(String.raw`(?<![\p{L}\p{N}])(?:(${WD})\.?,?\s+)?(${MON})\.?\s+(\d{1,2})(?:st|nd|rd|th)?${NUM_END}${YEAR}`, 'gu'),
  relative: /(?<!\p{L})(i\s?dag|i\s?går|i\s?morgon|today|yesterday|tomorrow)(?!\p{L})/gu,
  week: new RegExp(String.raw`(?<![\p{L}\p{N}])(?:(?:vecka|veckan|week)\s*|v\.\s*|v\s+)(\d{1,2})${NUM_END}${YEAR}`, 'gu'),
  time: new RegExp(String.raw`(?<![\p{L}\p{N}.:,])(?:(kl(?:ockan)?)\.?\s*)?(\d{1,2})(?:([:.])(\d{2})(?::(\d{2}))?)?${NUM_END}`, 'gu'),
};

const NO_FORECAST = /prognos\s+saknas|ingen\s+(?:prognos|beräknad\s+sluttid)|(?:^|prognos|sluttid|klart|tid)[\s:]*okän[dt](?!\p{L})/u;
/** The words just before a clock time that make a bare "07.20" credible. */
const TIME_CUE = /(?<!\p{L})(?:sedan|från|fr\.?o\.?m\.?|mellan|efter|före|innan|ca\.?|cirka|omkring|runt|start\p{L}*|började|uppstod|tid|beräkna\p{L}*|prognos|senast|till|klart|slut\p{L}*|åtgärda\p{L}*|löst\p{L}*|avslutad\p{L}*|återställ\p{L}*|upphörde)[\s:.]*$/u;
/** The words just before a date or time that mark it as the end, not a second start. */
const END_CUE = /(?<!\p{L})(?:till|senast|klart|slut\p{L}*|åtgärda\p{L}*|löst\p{L}*|avslutad\p{L}*|återställ\p{L}*|upphörde)[\s:]*$/u;
/** What may stand between the two halves of a range. */
const RANGE_GAP = /^[\s,()]*(?:-|–|till(?:\s+och\s+med)?(?:\s+senast)?|och|&|to|until)[\s,()]*$/u;
/** Filler between a date and its clock time, or between the parts of a range. */
const LINK_GAP = /^[\s,.:;()]*(?:(?:-|–|till|och|&|senast|den|ca\.?|cirka)[\s,.:;()]*)*$/u;

// ---------------------------------------------------------------- scanning

interface Span { pos: number; endPos: number }
interface AbsTok extends Span { kind: 'abs'; dt: DateTime }
interface DateTok extends Span {
  kind: 'date'; year?: number; month: number; day: number; lastDay?: number;
  weekday?: number; offsetDays?: number; night: boolean; endCue: boolean;
}
interface WeekTok extends Span { kind: 'week'; week: number; year?: number }
interface TimeTok extends Span {
  kind: 'time'; hour: number; minute: number; second: number; strong: boolean; endCue: boolean;
}
type Tok = AbsTok | DateTok | WeekTok | TimeTok;
interface Scan { low: string; toks: Tok[] }

function normalise(text: string): string {
  return text.normalize('NFC')
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/[\u2010\u2011]/g, '-')
    .replace(/[\u2012-\u2015\u2212]/g, '–');
}

/** Replaces the spans (positions relative to `offset`) with spaces, keeping every other position. */
function blank(s: string, spans: Span[], offset = 0): string {
  for (const t of spans) {
    const from = t.pos - offset, to = t.endPos - offset;
    if (from >= 0 && to <= s.length) s = s.slice(0, from) + ' '.repeat(to - from) + s.slice(to);
  }
  return s;
}

/** Runs `re` over the working copy, keeps what `make` accepts and blanks it out. */
function take<T extends Tok>(work: { s: string }, re: RegExp, make: (m: RegExpExecArray) => T | null): T[] {
  const out: T[] = [];
  for (const m of work.s.matchAll(re)) {
    const tok = make(m as RegExpExecArray);
    if (tok) out.push(tok);
  }
  work.s = blank(work.s, out);
  return out;
}

const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));
const span = (m: RegExpExecArray): Span => ({ pos: m.index, endPos: m.index + m[0].length });

function scan(text: string): Scan {
  let orig = normalise(text);
  const low = orig.toLowerCase();
  if (low.length !== orig.length) orig = low; // positions must agree between the two copies
  const work = { s: low };
  const before = (pos: number): string => low.slice(Math.max(0, pos - 40), pos);
  const date = (m: RegExpExecArray, d: Omit<DateTok, 'kind' | 'pos' | 'endPos' | 'night' | 'endCue'>): DateTok | null =>
    d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31 ? null : {
      kind: 'date', ...span(m), ...d,
      night: /natten\s+(?:mot|till)\s*$/.test(before(m.index)),
      endCue: END_CUE.test(before(m.index)),
    };

  const toks: Tok[] = [
    ...take(work, RE.isoStamp, (m) => abs(m, DateTime.fromISO(m[0].toUpperCase(), { zone: ZONE }))),
    ...take(work, RE.rfc2822, (m) => abs(m, DateTime.fromRFC2822(orig.slice(m.index, m.index + m[0].length)))),
    ...take(work, RE.isoDate, (m) => date(m, { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) })),
    ...take(work, RE.dayFirst, (m) => date(m, {
      weekday: m[1] ? WEEKDAYS[m[1]] : undefined, day: Number(m[2]), lastDay: num(m[3]),
      month: MONTHS[m[4]!] ?? 0, year: num(m[5]),
    })),
    ...take(work, RE.monthFirst, (m) => date(m, {
      weekday: m[1] ? WEEKDAYS[m[1]] : undefined, month: MONTHS[m[2]!] ?? 0, day: Number(m[3]), year: num(m[4]),
    })),
    ...take(work, RE.relative, (m) => {
      const word = m[1]!.replace(/\s/g, '');
      const offsetDays = word === 'igår' || word === 'yesterday' ? -1 : word === 'idag' || word === 'today' ? 0 : 1;
      return date(m, { month: 1, day: 1, offsetDays });
    }),
    ...take(work, RE.week, (m): WeekTok | null => {
      const week = Number(m[1]);
      return week >= 1 && week <= 53 ? { kind: 'week', ...span(m), week, year: num(m[2]) } : null;
    }),
  ];
  const times = take(work, RE.time, (m) => clock(m, before(m.index)));
  toks.push(...acceptTimes(low, toks, times));
  toks.sort((a, b) => a.pos - b.pos);
  return { low, toks };
}

function abs(m: RegExpExecArray, dt: DateTime): AbsTok | null {
  return dt.isValid ? { kind: 'abs', ...span(m), dt: dt.setZone(ZONE) } : null;
}

/**
 * Validates a clock-time match: hours 0–24, two-digit minutes, and no bare "8.12".
 * A bare hour needs "kl" before it, or must close a range such as "kl. 14–16".
 */
function clock(m: RegExpExecArray, before: string): TimeTok | null {
  const [, kl, h, sep, mi, sec] = m;
  const hour = Number(h), minute = Number(mi ?? 0), second = Number(sec ?? 0);
  if (hour > 24 || minute > 59 || second > 59 || (hour === 24 && minute + second > 0)) return null;
  const closesRange = /\d\s*(?:-|–|till(?:\s+senast)?)\s*$/u.test(before);
  if (!kl && !sep && !closesRange) return null;
  if (!kl && sep === '.' && h!.length < 2) return null;
  return {
    kind: 'time', ...span(m), hour, minute, second,
    strong: Boolean(kl) || sep === ':',
    endCue: END_CUE.test(before),
  };
}

/**
 * "kl. 07.00" and "07:00" are clearly times; a bare dotted "10.12" may be a
 * version number, so we keep it only next to a date, in a range with another
 * time, after a cue word ("sedan", "åtgärdades"), or when the text is only times.
 */
function acceptTimes(low: string, anchors: Tok[], times: TimeTok[]): TimeTok[] {
  const onlyTimes = LINK_GAP.test(blank(low, times));
  const accepted: TimeTok[] = [];
  for (const t of times) {
    const prev = [...anchors, ...accepted].filter((a) => a.endPos <= t.pos).sort((a, b) => b.endPos - a.endPos)[0];
    const next = anchors.filter((a) => a.kind === 'date' && a.pos >= t.endPos).sort((a, b) => a.pos - b.pos)[0];
    const ok = t.strong || onlyTimes || TIME_CUE.test(low.slice(Math.max(0, t.pos - 40), t.pos)) ||
      (prev !== undefined && LINK_GAP.test(low.slice(prev.endPos, t.pos))) ||
      (next !== undefined && LINK_GAP.test(low.slice(t.endPos, next.pos)));
    if (ok) accepted.push(t);
  }
  return accepted;
}

// ---------------------------------------------------------------- resolving

/** How to choose a year (or ISO week-year) that the text leaves out. */
interface Anchor { mode: 'future' | 'past' | 'after'; ref: DateTime }
interface Resolved { start: DateTime | null; end: DateTime | null; precision: 'minute' | 'day' | 'week' }

/** Picks the candidate nearest the anchor, on the side the anchor prefers. */
function pick(cands: DateTime[], a: Anchor): DateTime | null {
  const sorted = cands.filter((c) => c.isValid).sort((x, y) => x.toMillis() - y.toMillis());
  if (a.mode === 'past') return sorted.filter((c) => c <= a.ref.plus({ days: 1 })).pop() ?? null;
  const floor = a.mode === 'future' ? a.ref.minus({ days: 7 }) : a.ref.startOf('day');
  return sorted.find((c) => c >= floor) ?? null;
}

function dayOf(year: number, month: number, day: number): DateTime {
  const d = DateTime.fromObject({ year, month, day }, { zone: ZONE });
  return d.isValid && d.day === day ? d : DateTime.invalid('no such day');
}

/** The calendar day a date token names, inferring the year when it is missing. */
function resolveDay(t: DateTok, a: Anchor, now: DateTime, year = t.year): DateTime | null {
  if (t.offsetDays !== undefined) return now.startOf('day').plus({ days: t.offsetDays });
  if (year !== undefined) return dayOf(year, t.month, t.day).isValid ? dayOf(year, t.month, t.day) : null;
  const cands = [-1, 0, 1].map((k) => dayOf(a.ref.year + k, t.month, t.day)).filter((c) => c.isValid);
  // A named weekday settles the year when exactly one candidate falls on it.
  const onWeekday = cands.filter((c) => c.weekday === t.weekday);
  return onWeekday.length === 1 ? onWeekday[0]! : pick(cands, a);
}

const minutesOf = (t: TimeTok): number => t.hour * 60 + t.minute;

/** A clock time on a day; "24:00" is the next day's midnight. */
function at(day: DateTime, t: TimeTok): DateTime {
  if (t.hour === 24) return day.plus({ days: 1 });
  return DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour: t.hour, minute: t.minute, second: t.second }, { zone: ZONE });
}

/** The end clock time: on the start's day, or the next day when it does not come after the start. */
function endAt(day: DateTime, from: TimeTok | null, to: TimeTok): DateTime {
  return from && minutesOf(to) <= minutesOf(from) ? at(day.plus({ days: 1 }), to) : at(day, to);
}

/** The text between two positions with its clock times blanked, so only the words in between are judged. */
function gapWithoutTimes(sc: Scan, from: number, to: number): string {
  return blank(sc.low.slice(from, to), sc.toks.filter((t) => t.kind === 'time'), from);
}

/**
 * The clock times that belong to a date: a chain of times right before it
 * ("Sedan 07.20 idag"), then those after it up to `limit` within the same sentence,
 * so that an "Uppdaterad 09:15" elsewhere in the text is not taken for a start.
 */
function timesOf(sc: Scan, d: DateTok, times: TimeTok[], limit: number): TimeTok[] {
  const lead: TimeTok[] = [];
  let edge = d.pos;
  for (const t of times.filter((x) => x.endPos <= d.pos).reverse()) {
    if (!LINK_GAP.test(sc.low.slice(t.endPos, edge))) break;
    lead.unshift(t);
    edge = t.pos;
  }
  const after = times.filter((t) => t.pos >= d.endPos && t.pos < limit && !/[.!?;](?:\s|$)/.test(gapWithoutTimes(sc, d.endPos, t.pos)));
  return [...lead, ...after];
}

const linkedTimes = (sc: Scan, a: TimeTok, b: TimeTok | undefined): b is TimeTok =>
  b !== undefined && (b.endCue || RANGE_GAP.test(sc.low.slice(a.endPos, b.pos)));

function fromDates(sc: Scan, dates: DateTok[], times: TimeTok[], a: Anchor, now: DateTime): Resolved | null {
  const [first, second, third] = dates as [DateTok, DateTok | undefined, DateTok | undefined];
  const linked = second !== undefined && (second.endCue || RANGE_GAP.test(gapWithoutTimes(sc, first.endPos, second.pos)));
  // A missing start year borrows the end's year ("14 dec – 15 dec 2026").
  let startDay = resolveDay(first, a, now, first.year ?? (linked ? second.year : undefined));
  if (!startDay) return null;
  let lastDay: DateTime | null = null;
  if (first.lastDay !== undefined && first.lastDay > first.day) lastDay = startDay.set({ day: first.lastDay });
  else if (linked) lastDay = resolveDay(second, { mode: 'after', ref: startDay }, now);
  if (lastDay && !lastDay.isValid) lastDay = null;
  if (lastDay && lastDay < startDay && first.year === undefined) startDay = startDay.minus({ years: 1 });

  const groupA = timesOf(sc, first, times, second?.pos ?? Infinity);
  const groupB = linked ? timesOf(sc, second, times, third?.pos ?? Infinity).filter((t) => !groupA.includes(t)) : [];
  const [t0, t1] = groupA;
  const tEnd = groupB[0] ?? (t0 && linkedTimes(sc, t0, t1) ? t1 : undefined);

  // "Felet åtgärdades 24 november kl. 09.05" names the end only.
  if ((first.endCue || (t0?.endCue && t0.pos < first.pos)) && !tEnd && !lastDay) {
    return t0 ? { start: null, end: at(startDay, t0), precision: 'minute' }
      : { start: null, end: startDay.plus({ days: 1 }), precision: 'day' };
  }
  if (!t0 && !tEnd) {
    if (first.night) return { start: startDay.minus({ days: 1 }), end: startDay.plus({ days: 1 }), precision: 'day' };
    return { start: startDay, end: (lastDay ?? startDay).plus({ days: 1 }), precision: 'day' };
  }
  if (lastDay) {
    return {
      start: t0 ? at(startDay, t0) : startDay,
      end: tEnd ? at(lastDay, tEnd) : lastDay.plus({ days: 1 }),
      precision: 'minute',
    };
  }
  // "Natten mot torsdag": the named day is the morning; an evening start belongs to the day before.
  if (first.night && t0 && (tEnd ? minutesOf(tEnd) <= minutesOf(t0) : t0.hour >= 12)) {
    startDay = startDay.minus({ days: 1 });
  }
  return {
    start: t0 ? at(startDay, t0) : startDay,
    end: tEnd ? endAt(startDay, t0 ?? null, tEnd) : null,
    precision: 'minute',
  };
}

function fromWeek(w: WeekTok, a: Anchor): Resolved | null {
  const monday = (weekYear: number): DateTime =>
    DateTime.fromObject({ weekYear, weekNumber: w.week, weekday: 1 }, { zone: ZONE });
  const start = w.year !== undefined ? monday(w.year) : pick([-1, 0, 1].map((k) => monday(a.ref.weekYear + k)), a);
  return start?.isValid ? { start, end: start.plus({ weeks: 1 }), precision: 'week' } : null;
}

/** Clock times without a date mean today; for incidents a time still ahead of now means yesterday. */
function fromTimes(sc: Scan, times: TimeTok[], ctx: TimeContext, now: DateTime): Resolved {
  const [t0, t1] = times as [TimeTok, TimeTok | undefined];
  let day = now.startOf('day');
  if (ctx.prefer === 'past' && minutesOf(t0) > now.hour * 60 + now.minute) day = day.minus({ days: 1 });
  if (t0.endCue && !t1) return { start: null, end: at(day, t0), precision: 'minute' };
  return { start: at(day, t0), end: linkedTimes(sc, t0, t1) ? endAt(day, t0, t1) : null, precision: 'minute' };
}

function resolve(sc: Scan, ctx: TimeContext, a: Anchor): Resolved | null {
  const now = stockholm(ctx.now);
  const of = <K extends Tok['kind']>(kind: K) => sc.toks.filter((t): t is Extract<Tok, { kind: K }> => t.kind === kind);
  const stamps = of('abs');
  if (stamps.length > 0) return { start: stamps[0]!.dt, end: stamps[1]?.dt ?? null, precision: 'minute' };
  const dates = of('date');
  if (dates.length > 0) return fromDates(sc, dates, of('time'), a, now);
  const week = of('week')[0];
  if (week) return fromWeek(week, a);
  const times = of('time');
  return times.length > 0 ? fromTimes(sc, times, ctx, now) : null;
}

// ---------------------------------------------------------------- public API

const iso = (d: DateTime | null): string | null => (d ? d.setZone(ZONE).toISO({ suppressMilliseconds: true }) : null);
const UNREADABLE: TimeRange = { start: null, end: null, precision: null, noForecast: false, unreadable: true };
const NO_FORECAST_RANGE: TimeRange = { start: null, end: null, precision: null, noForecast: true, unreadable: false };

function anchorOf(ctx: TimeContext): Anchor {
  return { mode: ctx.prefer, ref: stockholm(ctx.now) };
}

/**
 * The clock in Stockholm. Every time text of a page is read against the same clock, and the
 * zone lookup is a large part of reading one, so the last answer is kept (DateTime is immutable).
 */
let lastClock: { ms: number; dt: DateTime } | undefined;
function stockholm(now: Date): DateTime {
  const ms = now.getTime();
  if (lastClock?.ms !== ms) lastClock = { ms, dt: DateTime.fromJSDate(now, { zone: ZONE }) };
  return lastClock.dt;
}

/**
 * Reads a whole time text (a "Tid"/"Start" cell, a calendar line or a feed
 * sentence). "Prognos saknas" sets noForecast; a start found elsewhere in the
 * same text is still reported, with a null end.
 */
export function parseTimeRange(text: string, ctx: TimeContext): TimeRange {
  const sc = scan(text);
  const r = resolve(sc, ctx, anchorOf(ctx));
  if (NO_FORECAST.test(sc.low)) {
    return r?.start ? { ...NO_FORECAST_RANGE, start: iso(r.start), precision: r.precision } : NO_FORECAST_RANGE;
  }
  if (!r) return UNREADABLE;
  return { start: iso(r.start), end: iso(r.end), precision: r.precision, noForecast: false, unreadable: false };
}

/**
 * Reads an end/forecast cell ("Slut", "Beräknas klart"). A bare clock time is
 * placed on the start's day (or the day after, if it would not come after the
 * start); a date alone ends at the following midnight. `start` is always null.
 */
export function parseEndTime(text: string, startIso: string | null, ctx: TimeContext): TimeRange {
  // "Prognos saknas" is the common case and needs no scan (the same lower-cased text `scan` reads).
  if (NO_FORECAST.test(normalise(text).toLowerCase())) return NO_FORECAST_RANGE;
  const sc = scan(text);
  const start = startIso ? DateTime.fromISO(startIso, { zone: ZONE }) : null;
  const from = start?.isValid ? start : null;
  let end: DateTime | null = null;
  let precision: TimeRange['precision'] = null;
  const onlyTimes = sc.toks.length > 0 && sc.toks.every((t) => t.kind === 'time');
  if (onlyTimes) {
    const t = sc.toks[sc.toks.length - 1] as TimeTok;
    const day = (from ?? stockholm(ctx.now)).startOf('day');
    end = at(day, t);
    if (from && end <= from) end = at(day.plus({ days: 1 }), t);
    precision = 'minute';
  } else {
    const r = resolve(sc, ctx, from ? { mode: 'after', ref: from } : anchorOf(ctx));
    // A single date-time in an end cell is the end itself; a date alone or a range carries its own end.
    end = r ? (r.precision === 'minute' ? r.end ?? r.start : r.end) : null;
    precision = r?.precision ?? null;
  }
  if (!end) return UNREADABLE;
  return { start: null, end: iso(end), precision, noForecast: false, unreadable: false };
}
