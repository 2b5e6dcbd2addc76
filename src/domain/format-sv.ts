/**
 * Dates and times the Swedish way, for people: "torsdag 3 december kl. 22.00–02.00".
 * Weekday spelled out, day, month name, 24-hour clock with a dot, en dash in ranges,
 * and the year only when it is not the reader's current year. All maths is luxon in
 * Europe/Stockholm, so both DST changes come out right. Every function is pure: the
 * clock's `now` is passed in. Names are our own tables, not Intl, so output does not
 * depend on the ICU data Node was built with.
 */
import { DateTime } from 'luxon';
import { ZONE } from '../util/time.js';
import type { Kind, Status } from './types.js';

const WEEKDAYS = ['måndag', 'tisdag', 'onsdag', 'torsdag', 'fredag', 'lördag', 'söndag'];
const MONTHS = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'];

/** A window that ends the next day no later than this (minutes after midnight) reads as one night: "kl. 22.00–02.00". */
const NIGHT_END_MAX = 3 * 60;

/**
 * Parsed instants, memoised: luxon works out a zone offset through Intl on every
 * construction, and a digest run formats the same few event times thousands of times.
 * DateTime is immutable, so sharing is safe; the cap keeps a long-running process bounded.
 */
const parsed = new Map<string, DateTime | null>();
const PARSED_MAX = 2000;

function local(iso: string): DateTime | null {
  let dt = parsed.get(iso);
  if (dt === undefined) {
    const fresh = DateTime.fromISO(iso, { zone: ZONE });
    dt = fresh.isValid ? fresh : null;
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(iso, dt);
  }
  return dt;
}

function nowLocal(now: Date): DateTime {
  return local(now.toISOString())!;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const clock = (dt: DateTime): string => `${pad(dt.hour)}.${pad(dt.minute)}`;
const isMidnight = (dt: DateTime): boolean => dt.hour === 0 && dt.minute === 0 && dt.second === 0;
/** The local calendar day as a day count, so day arithmetic needs no zone maths. */
const dayNumber = (dt: DateTime): number => Date.UTC(dt.year, dt.month - 1, dt.day) / 86_400_000;
const sameDay = (a: DateTime, b: DateTime): boolean => dayNumber(a) === dayNumber(b);

/** "torsdag 3 december", with the year appended when `withYear`. */
function day(dt: DateTime, withYear: boolean): string {
  const text = `${WEEKDAYS[dt.weekday - 1]} ${dt.day} ${MONTHS[dt.month - 1]}`;
  return withYear ? `${text} ${dt.year}` : text;
}

function dayAt(dt: DateTime, now: DateTime): string {
  return `${day(dt, dt.year !== now.year)} kl. ${clock(dt)}`;
}

/** The day in Stockholm: "tisdag 24 november", or "måndag 18 januari 2027" when not `now`'s year. */
export function formatDate(iso: string, now: Date): string {
  const dt = local(iso);
  return dt ? day(dt, dt.year !== nowLocal(now).year) : iso;
}

/** Day and clock time: "tisdag 24 november kl. 07.30" (the day is always named, also today). */
export function formatDateTime(iso: string, now: Date): string {
  const dt = local(iso);
  return dt ? dayAt(dt, nowLocal(now)) : iso;
}

/** ISO week number in Stockholm ("vecka 48"), or null when unreadable. */
export function isoWeek(iso: string): number | null {
  return local(iso)?.weekNumber ?? null;
}

/**
 * When something happens, as one phrase.
 * - Same day: "torsdag 3 december kl. 08.00–12.00"; a night window ending by 03.00 the
 *   next day stays compact: "torsdag 3 december kl. 22.00–02.00"; ending at midnight: "kl. 22.00–24.00".
 * - Across days: "tisdag 8 december kl. 22.00 – onsdag 9 december kl. 04.00".
 * - Whole days (start and end at midnight; the end is exclusive, as the parser gives it):
 *   "måndag 14 december" or "måndag 18 januari – söndag 24 januari 2027".
 * - Open end: "från torsdag 3 december kl. 22.00"; no start: "till …" ("till och med …" for a whole day).
 */
export function formatWhen(start: string | null, end: string | null, now: Date): string {
  const n = nowLocal(now);
  const s = start ? local(start) : null;
  const e = end ? local(end) : null;
  if (!s) {
    if (e) return isMidnight(e) ? `till och med ${day(e.minus({ days: 1 }), e.year !== n.year)}` : `till ${dayAt(e, n)}`;
    return start ?? end ?? 'Tid inte angiven';
  }
  if (!e) return `från ${isMidnight(s) ? day(s, s.year !== n.year) : dayAt(s, n)}`;
  if (isMidnight(s) && isMidnight(e)) return wholeDays(s, e, n);
  if (e <= s) return dayAt(s, n);
  const yearOfStart = s.year !== n.year;
  const nextDay = dayNumber(e) - dayNumber(s) === 1;
  if (sameDay(s, e)) return `${day(s, yearOfStart)} kl. ${clock(s)}–${clock(e)}`;
  if (nextDay && isMidnight(e)) return `${day(s, yearOfStart)} kl. ${clock(s)}–24.00`;
  if (nextDay && e.hour * 60 + e.minute <= NIGHT_END_MAX && e.hour * 60 + e.minute < s.hour * 60 + s.minute) {
    return `${day(s, yearOfStart)} kl. ${clock(s)}–${clock(e)}`;
  }
  return `${dayAt(s, n)} – ${dayAt(e, n)}`;
}

function wholeDays(s: DateTime, e: DateTime, n: DateTime): string {
  const last = e > s ? e.minus({ days: 1 }) : s;
  if (sameDay(s, last)) return day(s, s.year !== n.year);
  const startYear = s.year !== n.year && s.year !== last.year;
  return `${day(s, startYear)} – ${day(last, last.year !== n.year)}`;
}

/** For an ongoing disruption: "sedan kl. 08.40" when it began today, else "sedan tisdag 24 november kl. 08.40". */
export function formatSince(start: string, now: Date): string {
  const s = local(start);
  if (!s) return `sedan ${start}`;
  const n = nowLocal(now);
  if (sameDay(s, n)) return `sedan kl. ${clock(s)}`;
  return `sedan ${isMidnight(s) ? day(s, s.year !== n.year) : dayAt(s, n)}`;
}

/**
 * The publisher's forecast for an ongoing disruption: "Prognos saknas" when it gives no end,
 * "Beräknas klart kl. 12.00" (with the day when not today), and once that time is past while
 * the disruption is still listed as ongoing, "Prognosen kl. 12.00 har passerat" (not as if it
 * were still ahead). Null for anything else.
 */
export function formatForecast(event: { kind: Kind; status: Status; end: string | null }, now: Date): string | null {
  if (event.kind !== 'disruption' || event.status !== 'ongoing') return null;
  if (!event.end) return 'Prognos saknas';
  const e = local(event.end);
  if (!e) return `Beräknas klart ${event.end}`;
  const n = nowLocal(now);
  const at = sameDay(e, n) ? `kl. ${clock(e)}` : dayAt(e, n);
  return e <= n ? `Prognosen ${at} har passerat` : `Beräknas klart ${at}`;
}

/**
 * A role as it reads mid-sentence, the same in mail and on the web: "E-hälsostrateg" →
 * "e-hälsostrateg", while names and acronyms whose first word has another capital
 * ("VSS Resurscentrum", "OL-IT", "IT-samordnare" stays "IT-samordnare") are kept.
 */
export function roleInSentence(role: string): string {
  const text = role.replace(/\s+/g, ' ').trim();
  const first = text.split(' ')[0] ?? '';
  return /\p{Lu}/u.test(first.slice(1)) ? text : text.charAt(0).toLocaleLowerCase('sv') + text.slice(1);
}

/** Why someone gets mail, as both mail and web say it: "e-hälsostrateg för Nära vård och hälsa". */
export function roleFor(role: string, unit: string): string {
  return `${roleInSentence(role)} för ${unit.replace(/\s+/g, ' ').trim()}`;
}

/** A counted noun in Swedish: "1 mottagare", "2 ändringar", "1 ändring". */
export function countSv(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

const LIST = new Intl.ListFormat('sv', { style: 'long', type: 'conjunction' });

/** "a", "a och b", "a, b och c". */
export function listSv(items: string[]): string {
  return LIST.format(items);
}
