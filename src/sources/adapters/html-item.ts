/**
 * Turns what the HTML engine read from one item (title, badge, labelled fields) into a
 * normalised ParsedItem: kind and status from the Swedish words, catalogue service ids,
 * and ISO times from the date parser.
 */
import { localIso } from '../../util/time.js';
import type { Catalogue } from '../../domain/services.js';
import { parseEndTime, parseTimeRange, type TimeContext, type TimeRange } from '../../domain/swedish-time.js';
import type { Kind, ParsedItem, Status } from '../../domain/types.js';
import {
  defaultStatus,
  kindFromWords,
  saysCalledOff,
  saysFixed,
  statusFromWords,
  statusPrefixes,
  stripStatusPrefix,
  type Label,
} from '../../domain/status-words.js';
import type { AdapterContext } from './types.js';

/** One labelled value as found on the page. */
export interface Field {
  label: Label;
  /** The value's text, whitespace collapsed. */
  text: string;
  /** The value's text by line (<br>, blocks), for splitting lists of services. */
  lines: string[];
  /** List items inside the value (<ul><li>), if any. */
  list: string[];
  /** A <time datetime> inside the value: machine-readable, so it wins over the text. */
  datetime: string | null;
}

/** What the engine read from one container, before normalisation. */
export interface RawItem {
  title: string;
  url: string | null;
  badge: string | null;
  fields: Field[];
  details: string[];
  /** Page-specific time text used when no time label was found. */
  fallbackTime: string | null;
}

/** Builds one ParsedItem; problems that do not lose the item come back as warnings. */
export function buildItem(raw: RawItem, ctx: AdapterContext, defaultKind: Kind): { item: ParsedItem; warnings: string[] } {
  const first = (label: Label) => raw.fields.find((f) => f.label === label && f.text)?.text ?? null;
  const impact = first('impact');
  const details = raw.details.length ? raw.details.join('\n') : null;
  const { kind, status } = classify(
    { badge: raw.badge, title: raw.title, status: first('status'), type: first('type'), text: [impact, details].join(' ') },
    defaultKind,
  );

  const serviceFields = raw.fields.filter((f) => f.label === 'service');
  const names = serviceFields.flatMap((f) => serviceNames(f, ctx.catalogue));
  const { ids, unknown } = names.length
    ? ctx.catalogue.resolve(names)
    : { ids: ctx.catalogue.findInText(raw.title), unknown: [] };

  const tctx: TimeContext = { now: ctx.now, prefer: kind === 'disruption' ? 'past' : 'future' };
  const times = readFieldTimes(raw, tctx);
  return {
    item: {
      kind,
      status,
      title: raw.title,
      services: ids,
      start: times.start,
      end: times.end,
      url: raw.url,
      impact,
      timeText: times.timeText,
      unknownServices: unknown,
      guid: null,
      details,
    },
    warnings: times.warnings,
  };
}

/** The signals an item carries, strongest first (see `classify`). */
export interface Signals {
  badge?: string | null;
  title: string;
  status?: string | null;
  type?: string | null;
  categories?: string[];
  /** Free text: impact, description, details. */
  text?: string | null;
}

/**
 * Kind and status, in order of trust: badge, title prefix, Status/Typ label, categories,
 * then words in the title and text. A disruption whose text says it is fixed is resolved.
 */
export function classify(s: Signals, defaultKind: Kind): { kind: Kind; status: Status } {
  const prefixes = statusPrefixes(s.title).join(' ');
  const categories = (s.categories ?? []).join(' ');
  const strong = [s.badge, prefixes, s.status, s.type, categories];
  let kind: Kind = defaultKind;
  for (const text of strong) {
    const k = kindFromWords(text);
    if (k) {
      kind = k;
      break;
    }
  }
  let status: Status | undefined;
  for (const text of [...strong, stripStatusPrefix(s.title)]) {
    status = statusFromWords(text);
    if (status) break;
  }
  if (!status && kind === 'disruption' && saysFixed(s.text)) status = 'resolved';
  if (!status && kind !== 'disruption' && saysCalledOff(s.text)) status = 'cancelled';
  return { kind, status: status ?? defaultStatus(kind) };
}

/** Service names of one field: list items, else the text split on , ; newlines and "och". */
export function serviceNames(f: Field, catalogue: Catalogue): string[] {
  if (f.list.length) return f.list;
  return f.lines
    .flatMap((line) => line.split(/\s*[,;]\s*/))
    .flatMap((part) => splitOnOch(part, catalogue))
    .map((name) => name.replace(/[\s.:;,]+$/u, '').trim())
    .filter(Boolean);
}

/** Splits on " och " but keeps names that contain it ("Stöd och behandling"). */
function splitOnOch(part: string, catalogue: Catalogue): string[] {
  const tokens = part.split(/\s+och\s+/iu);
  if (tokens.length === 1) return tokens;
  // A joined name must match without its "(ABBR)": "NPÖ och Intygstjänster (Webcert)" is two names.
  const isName = (joined: string) => !!catalogue.match(joined.replace(/\s*\([^()]*\)\s*$/u, ''));
  const out: string[] = [];
  for (let i = 0; i < tokens.length; ) {
    let j = tokens.length;
    while (j > i + 1 && !isName(tokens.slice(i, j).join(' och '))) j--;
    out.push(tokens.slice(i, j).join(' och '));
    i = j;
  }
  return out;
}

/** A full ISO timestamp with offset from a datetime attribute, as Stockholm ISO; else null. */
export function zonedIso(value: string | null | undefined): string | null {
  const v = value?.trim();
  if (!v || !/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i.test(v)) return null;
  return localIso(v.replace(' ', 'T'));
}

const UNREAD: TimeRange = { start: null, end: null, precision: null, noForecast: false, unreadable: true };

/**
 * Runs the date parser, turning a throw into an unreadable range plus a warning: a time
 * the parser chokes on must not cost the item (SOURCES.md: keep it with null times).
 */
export function safeTime(read: () => TimeRange, text: string, warnings: string[]): TimeRange {
  try {
    return read();
  } catch (err) {
    warnings.push(`time "${text}" could not be read: ${err instanceof Error ? err.message : String(err)}`);
    return UNREAD;
  }
}

function startRange(f: Field, tctx: TimeContext, warnings: string[]): TimeRange {
  const iso = zonedIso(f.datetime);
  if (iso) return { start: iso, end: null, precision: 'minute', noForecast: false, unreadable: false };
  if (f.datetime) {
    const r = safeTime(() => parseTimeRange(f.datetime as string, tctx), f.datetime, warnings);
    if (!r.unreadable) return r;
  }
  return safeTime(() => parseTimeRange(f.text, tctx), f.text, warnings);
}

/** Start from Start/Starttid, a range from Tid/Datum, the end from Slut/Beräknas klart/Prognos. */
function readFieldTimes(raw: RawItem, tctx: TimeContext) {
  const warnings: string[] = [];
  const pick = (label: Label) => raw.fields.find((f) => f.label === label && (f.text || f.datetime));
  const startF = pick('start');
  const timeF = pick('time');
  const endF = pick('end');
  const texts: string[] = [];
  let start: string | null = null;
  let end: string | null = null;
  for (const f of [startF, timeF]) {
    if (!f) continue;
    texts.push(f.text);
    const r = startRange(f, tctx, warnings);
    start ??= r.start;
    end ??= r.end;
  }
  if (endF) {
    texts.push(endF.text);
    const iso = zonedIso(endF.datetime);
    const text = endF.text || endF.datetime || '';
    const r = iso
      ? { ...UNREAD, end: iso, unreadable: false }
      : safeTime(() => parseEndTime(text, start, tctx), text, warnings);
    if (r.end || r.noForecast) end = r.end;
  }
  if (!startF && !timeF && !endF && raw.fallbackTime) {
    const text = raw.fallbackTime;
    texts.push(text);
    const r = safeTime(() => parseTimeRange(text, tctx), text, warnings);
    start = r.start;
    end = r.end;
  }
  const timeText = texts.filter(Boolean).join(' | ') || null;
  return { start, end, timeText, warnings };
}
