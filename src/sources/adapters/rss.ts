/**
 * Generic RSS 2.0 / Atom adapter (E-hälsomyndigheten's driftinformation and any other
 * feed), normalised the same way as the HTML pages.
 */
import * as cheerio from 'cheerio/slim';
import Parser from 'rss-parser';
import { describeError, ParseError } from '../../domain/errors.js';
import { parseEndTime, parseTimeRange, type TimeContext } from '../../domain/swedish-time.js';
import type { Kind, ParsedItem, ParseResult } from '../../domain/types.js';
import { absoluteUrl, urlKey } from '../../util/urls.js';
import { norm, textLines } from './html-common.js';
import { classify, safeTime } from './html-item.js';
import { kindFromWords } from '../../domain/status-words.js';
import type { Adapter, AdapterContext } from './types.js';

type RawCategory = string | { _?: string; $?: { term?: string; label?: string } };
/** A title as xml2js read it: a string, or an object when it has attributes (Atom's type) or child elements (xhtml). */
type RawTitle = string | { _?: string; $?: { type?: string }; [child: string]: unknown };
interface FeedItemExtra {
  categoryRaw?: RawCategory[];
  titleRaw?: RawTitle[];
  id?: string;
  'content:encoded'?: string;
}

// A parser per feed: xml2js keeps the state of an unfinished document in its parser, so
// one broken body (`<?xml …?>` alone) would make every later feed on a shared one hang.
// `category` is copied raw because rss-parser leaves Atom's <category term> out; `title`
// because rss-parser drops Atom's type="html" and hands over an xhtml title as an object.
const newParser = () =>
  new Parser<Record<string, unknown>, FeedItemExtra>({
    customFields: {
      item: [
        ['category', 'categoryRaw', { keepArray: true }],
        ['title', 'titleRaw', { keepArray: true }],
      ],
    },
  });
type FeedParser = ReturnType<typeof newParser>;

/** A tag, or an entity still escaped after XML decoding ("&lt;b&gt;", "&amp;ouml;"): the title is HTML. */
const MARKUP = /<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>|&(?:[a-z][a-z0-9]{1,31}|#\d{1,7}|#x[0-9a-f]{1,6});/i;

/** Sentences that may carry the end of an incident ("Felet åtgärdades 09.05", "Beräknas klart 12.00"). */
const END_HINT = /åtgärd|löst|återställ|fungerar|klar|prognos|beräkna|avslut|till och med/iu;

/** Parses an RSS or Atom document; malformed XML is a ParseError, one bad entry only a warning. */
async function parse(body: string, ctx: AdapterContext): Promise<ParseResult> {
  // xml2js never calls back on a document with no element at all (`<?xml …?>` alone): the
  // poll would wait forever. Such a body is no feed.
  if (!/<[A-Za-z_]/.test(body.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/g, ''))) {
    throw new ParseError('feed is not readable RSS or Atom: it has no elements', { hint: 'check that the source URL serves a feed' });
  }
  let feed: Awaited<ReturnType<FeedParser['parseString']>>;
  try {
    feed = await newParser().parseString(body);
  } catch (cause) {
    throw new ParseError('feed is not readable RSS or Atom', { cause, hint: 'check that the source URL serves a feed' });
  }
  // Several entries sharing a link (EHM links every entry to the channel page) make it no detail link.
  const seen = new Map<string, number>();
  // A link that is not text (`<link><a>…</a></link>`) is the entry's problem, met in its own try below.
  for (const it of feed.items)
    if (typeof it.link === 'string' && it.link) seen.set(linkKey(it.link, ctx.url), (seen.get(linkKey(it.link, ctx.url)) ?? 0) + 1);
  const notDetail = new Set([feed.link, ctx.url].filter((l): l is string => typeof l === 'string' && !!l).map((l) => linkKey(l, ctx.url)));

  const items: ParsedItem[] = [];
  const warnings: string[] = [];
  let skipped = 0;
  feed.items.forEach((it, i) => {
    const where = `rss: entry ${i + 1}`;
    try {
      const title = plainTitle(it);
      if (!title) {
        warnings.push(`${where} has no title; skipped`);
        return;
      }
      const key = it.link ? linkKey(it.link, ctx.url) : '';
      const url = key && !notDetail.has(key) && (seen.get(key) ?? 0) < 2 ? absoluteUrl(it.link, ctx.url) : null;
      const { item, warnings: w } = buildFeedItem(it, title, url, ctx);
      items.push(item);
      warnings.push(...w.map((m) => `${where} ("${title}"): ${m}`));
    } catch (err) {
      skipped++;
      warnings.push(`${where} skipped: ${describeError(err)}`);
    }
  });
  // A well-formed feed with no entries is the feed's way of saying "nothing to report".
  return { items, saysEmpty: feed.items.length === 0, warnings, ...(skipped ? { skipped } : {}) };
}

type FeedItem = Parser.Item & FeedItemExtra;

function buildFeedItem(it: FeedItem, title: string, url: string | null, ctx: AdapterContext) {
  const paragraphs = descriptionLines(it['content:encoded'] || it.content || it.summary || '');
  const description = paragraphs.join(' ') || null;
  const categories = categoryTexts(it);
  // Explicit signals (categories, a "Störning:" prefix) beat the configured default; title words come after it.
  const fallbackKind: Kind = ctx.options.defaultKind ?? kindFromWords(title) ?? 'disruption';
  const { kind, status } = classify({ title, categories, text: description }, fallbackKind);
  const titleServices = ctx.catalogue.findInText(title);
  const services = titleServices.length ? titleServices : ctx.catalogue.findInText(description ?? '');
  const warnings: string[] = [];
  const times = feedTimes(paragraphs, { now: ctx.now, prefer: kind === 'disruption' ? 'past' : 'future' }, warnings);
  const item: ParsedItem = {
    kind,
    status,
    title,
    services,
    start: times.start,
    end: times.end,
    url,
    impact: description,
    timeText: times.timeText,
    unknownServices: [],
    guid: norm(it.guid ?? it.id) || null,
    details: null,
  };
  return { item, warnings };
}

/** The description as plain text lines: HTML tags stripped, one line per paragraph. */
function descriptionLines(html: string): string[] {
  const $ = cheerio.load(`<div>${html}</div>`, null, false);
  $('script, style').remove();
  return textLines($.root().children());
}

/**
 * The entry's title as plain text. Atom's type="html" and "xhtml" titles, and RSS titles
 * carrying escaped markup ("&lt;b&gt;Störning&lt;/b&gt;"), are HTML: tags stripped, entities
 * decoded, whitespace collapsed. A plain title with no tag or entity in it is kept as it is.
 */
export function plainTitle(it: { title?: unknown; titleRaw?: RawTitle[] }): string {
  const raw = it.titleRaw?.[0];
  const type = typeof raw === 'object' ? raw.$?.type?.toLowerCase() : undefined;
  if (type === 'xhtml' && typeof raw === 'object') return norm(xmlText(raw));
  const text = typeof it.title === 'string' ? it.title : typeof raw === 'string' ? raw : typeof raw === 'object' ? (raw._ ?? '') : '';
  return type === 'html' || MARKUP.test(text) ? norm(descriptionLines(text).join(' ')) : norm(text);
}

/**
 * The text of an element as xml2js read it (attributes under `$`, text under `_`). xml2js
 * keeps text apart from child elements, so the order of mixed content is approximate.
 */
function xmlText(node: unknown): string {
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return node.map(xmlText).join(' ');
  if (!node || typeof node !== 'object') return '';
  return Object.entries(node)
    .filter(([key]) => key !== '$')
    .map(([, value]) => xmlText(value))
    .join(' ');
}

function categoryTexts(it: FeedItem): string[] {
  const raw: RawCategory[] = [...(it.categoryRaw ?? []), ...((it.categories ?? []) as RawCategory[])];
  const texts = raw.map((c) => norm(typeof c === 'string' ? c : (c._ ?? c.$?.label ?? c.$?.term)));
  return [...new Set(texts.filter(Boolean))];
}

/**
 * Times from the description, sentence by sentence: the first readable sentence gives
 * the start (and maybe the end); a later "åtgärdades 09.05" sentence may give the end.
 * pubDate is never used as a start: it says when the entry was written, not when it began.
 */
function feedTimes(paragraphs: string[], tctx: TimeContext, warnings: string[]) {
  const sentences = paragraphs.flatMap((p) => p.split(/(?<=[.!?])\s+(?=[A-ZÅÄÖ])/u));
  const used: string[] = [];
  let start: string | null = null;
  let end: string | null = null;
  for (const s of sentences) {
    if (!start) {
      const r = safeTime(() => parseTimeRange(s, tctx), s, warnings);
      if (r.start) {
        start = r.start;
        end = r.end;
        used.push(s);
      }
    } else if (!end && END_HINT.test(s)) {
      const from = start;
      const r = safeTime(() => parseEndTime(s, from, tctx), s, warnings);
      if (r.end || r.noForecast) used.push(s);
      end = r.end;
    }
  }
  return { start, end, timeText: used.length ? used.join(' | ') : null };
}

/** A feed link as a key: absolute when it can be made so, compared without fragment or trailing slash. */
function linkKey(link: string, base: string): string {
  return urlKey(absoluteUrl(link, base) ?? link);
}

/** RSS 2.0 and Atom feeds. */
export const rssAdapter: Adapter = { name: 'rss', parse };
