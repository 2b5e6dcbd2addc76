/**
 * The HTML extraction engine behind the Inera page adapters. The real markup is a guess
 * (SOURCES.md), so items are found through several container shapes and read by their
 * Swedish labels (dt/dd, table headers, "Tjänst: …" lines), not by class names.
 */
import * as cheerio from 'cheerio';
import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { describeError, ParseError } from '../../domain/errors.js';
import type { Kind, ParsedItem, ParseResult } from '../../domain/types.js';
import { buildItem, type Field, type RawItem } from './html-item.js';
import { kindFromWords, labelOf, splitLabelled, statusFromWords } from './status-words.js';
import type { AdapterContext, SourceOptions } from './types.js';

/** What distinguishes one Inera page from another for the shared engine. */
export interface PageProfile {
  /** Adapter name, used in warnings. */
  name: string;
  /** The kind of an item when its badge or type does not say otherwise. */
  defaultKind: Kind;
  /** Time text for an item that has no time labels (the calendar's date block). */
  fallbackTime?: (item: Cheerio<Element>, $: CheerioAPI, sectionHeading: string | null) => string | null;
}

/** One item container; `nodes` are the page nodes it covers (several for a heading section). */
interface Container {
  el: Cheerio<Element>;
  nodes: AnyNode[];
  sectionHeading: string | null;
}

/** Specific item classes first: a generic `article` may be the whole page's wrapper. */
const ITEM_SELECTORS = [
  '.status-item, .driftstatus-item, .calendar-item, .incident, .disruption, .driftstorning, .storning, .status-message, .event-item, .planned-item, .maintenance-item',
  'article',
];
const HEADINGS = 'h1, h2, h3, h4, h5, h6';
const BLOCKS = 'p, li, div, ul, ol, dl, table, section, article, header, footer, h1, h2, h3, h4, h5, h6';
const BADGES = '.status-badge, .badge, [class*=badge], [class*=status], [class*=type], [class*=tag], [class*=category]';

/** "Just nu finns inga pågående störningar", "Det finns inga kommande åtgärder", … */
const EMPTY_TEXT =
  /(?<![\p{L}\p{N}])inga\s+(?:[\p{L}-]+\s+){0,3}?(?:driftstörningar|störningar|åtgärder|servicefönster|releaser|händelser|driftmeddelanden|införanden)(?![\p{L}\p{N}])/iu;

/** Collapses whitespace (including &nbsp;) to single spaces. */
export function norm(text: string | undefined | null): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

/** A half-downloaded page must never look like "all items gone". */
export function assertCompleteHtml(body: string): void {
  if (!/<\/html\s*>/i.test(body) && !/<\/body\s*>/i.test(body)) {
    throw new ParseError('page looks truncated: no closing </html>', { hint: 'the fetch was cut short; the next poll retries' });
  }
}

/** Parses one HTML status page into items; see Adapter.parse for the contract. */
export function parseHtmlPage(body: string, ctx: AdapterContext, profile: PageProfile): ParseResult {
  assertCompleteHtml(body);
  const $ = cheerio.load(body);
  // Script text is not page content, and navigation links are not items.
  $('script, style, noscript, template, nav, [role=navigation], body > header, body > footer').remove();
  const main = mainContent($);
  const containers = findContainers($, main, ctx.options);
  const items: ParsedItem[] = [];
  const warnings: string[] = [];
  containers.forEach((c, i) => {
    const where = `${profile.name}: item ${i + 1}`;
    try {
      const raw = extractItem($, c, ctx, profile);
      if (!raw.title) {
        warnings.push(`${where} has no title; skipped`);
        return;
      }
      const built = buildItem(raw, ctx, profile.defaultKind);
      items.push(built.item);
      warnings.push(...built.warnings.map((w) => `${where} ("${raw.title}"): ${w}`));
    } catch (err) {
      warnings.push(`${where} skipped: ${describeError(err)}`);
    }
  });
  // Items are removed before looking for the empty text, so an item's own words don't count.
  for (const c of containers) $(c.nodes).remove();
  return { items, saysEmpty: saysEmpty(norm(main.text()), ctx.options.emptyTexts), warnings };
}

/** True when the text says there is nothing to report (built-in phrases or the source's own). */
export function saysEmpty(text: string, extra: string[] = []): boolean {
  if (EMPTY_TEXT.test(text)) return true;
  const folded = text.toLocaleLowerCase('sv');
  return extra.some((t) => norm(t) && folded.includes(norm(t).toLocaleLowerCase('sv')));
}

function mainContent($: CheerioAPI): Cheerio<AnyNode> {
  for (const sel of ['main', '[role=main]', '#main-content', '#content', 'body']) {
    const found = $(sel).first();
    if (found.length) return found;
  }
  return $.root();
}

function findContainers($: CheerioAPI, main: Cheerio<AnyNode>, options: SourceOptions): Container[] {
  const wrap = (els: Element[]) => els.map((el) => ({ el: $(el), nodes: [el], sectionHeading: sectionHeading($, el) }));
  const configured = options.selectors?.item;
  if (configured) {
    const inMain = main.find(configured).toArray();
    return wrap(itemsOnly($, inMain.length ? inMain : $(configured).filter((_, n) => n.type === 'tag').toArray() as Element[]));
  }
  for (const sel of ITEM_SELECTORS) {
    const found = itemsOnly($, main.find(sel).toArray());
    if (found.length) return wrap(found);
  }
  const rows = headerTableRows($, main);
  if (rows.length) return wrap(rows);
  const listItems = itemsOnly($, main.find('li').filter((_, li) => $(li).children('h2, h3, h4').length > 0).toArray());
  if (listItems.length) return wrap(listItems);
  return headingSections($, main);
}

/** Drops wrappers (a candidate holding two or more others), then parts of items (nested in a kept one). */
function itemsOnly($: CheerioAPI, candidates: Element[]): Element[] {
  const set = new Set<AnyNode>(candidates);
  const counts = new Map<AnyNode, number>();
  for (const el of candidates) {
    for (const p of $(el).parents().toArray()) if (set.has(p)) counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  const kept = candidates.filter((el) => (counts.get(el) ?? 0) < 2);
  const keptSet = new Set<AnyNode>(kept);
  return kept.filter((el) => !$(el).parents().toArray().some((p) => keptSet.has(p)));
}

/** Rows of tables whose header row names our labels: one item per row. */
function headerTableRows($: CheerioAPI, main: Cheerio<AnyNode>): Element[] {
  const rows: Element[] = [];
  main.find('table').each((_, table) => {
    const header = tableHeader($, $(table));
    if (header.filter((h) => labelOf(h)).length < 2) return;
    $(table)
      .find('tr')
      .filter((_, tr) => $(tr).children('td').length > 0 && $(tr).closest('table')[0] === table)
      .each((_, tr) => void rows.push(tr));
  });
  return rows;
}

/** Texts of a table's header row: its thead, or a first row made only of th cells. */
function tableHeader($: CheerioAPI, table: Cheerio<AnyNode>): string[] {
  let row = table.find('thead tr').first();
  if (!row.length) {
    const first = table.find('tr').first();
    if (first.children('th').length && !first.children('td').length) row = first;
  }
  return row.children('th, td').toArray().map((c) => norm($(c).text()));
}

/** Last resort: a heading plus the siblings up to the next heading, when they hold labelled values. */
function headingSections($: CheerioAPI, main: Cheerio<AnyNode>): Container[] {
  const out: Container[] = [];
  main.find('h2, h3, h4').each((_, h) => {
    const nodes = [h, ...$(h).nextUntil(HEADINGS).toArray()];
    const hasLabel = nodes.slice(1).some((n) => {
      const labelCells = $(n).find('dt, th').addBack('dt, th');
      return labelCells.toArray().some((x) => labelOf($(x).text())) || textLines($, $(n)).some((l) => splitLabelled(l));
    });
    if (!hasLabel) return;
    const el = $('<div></div>') as Cheerio<Element>;
    el.append($(nodes).clone());
    out.push({ el, nodes, sectionHeading: sectionHeading($, h) });
  });
  return out;
}

/** The nearest heading above the item that names a year ("December 2026"), for dates without one. */
function sectionHeading($: CheerioAPI, el: Element): string | null {
  for (let cur = $(el); cur.length && !cur.is('body'); cur = cur.parent()) {
    const heading = cur
      .prevAll(HEADINGS)
      .toArray()
      .map((h) => norm($(h).text()))
      .find((t) => /\b(?:19|20)\d{2}\b/.test(t));
    if (heading) return heading;
  }
  return null;
}

/** Text split into lines at <br> and block boundaries, each line whitespace-collapsed. */
export function textLines($: CheerioAPI, el: Cheerio<AnyNode>): string[] {
  let out = '';
  const walk = (node: AnyNode): void => {
    if (node.type === 'text') out += node.data;
    else if (node.type === 'tag') {
      if (node.name === 'br') out += '\n';
      else {
        const block = $(node).is(BLOCKS) || node.name === 'dd' || node.name === 'dt' || node.name === 'tr';
        if (block) out += '\n';
        node.children.forEach(walk);
        if (block) out += '\n';
      }
    }
  };
  el.toArray().forEach(walk);
  return out.split('\n').map(norm).filter(Boolean);
}

function field($: CheerioAPI, label: Field['label'], value: Cheerio<AnyNode>, text?: string): Field {
  const list = value.find('li').toArray().map((li) => norm($(li).text())).filter(Boolean);
  const time = value.filter('time[datetime]').add(value.find('time[datetime]')).first();
  const lines = text === undefined ? textLines($, value) : text.split('\n').map(norm).filter(Boolean);
  return { label, text: norm(lines.join(' ')), lines, list, datetime: time.attr('datetime') ?? null };
}

/** Reads title, link, badge, labelled fields and free text from one container. */
function extractItem($: CheerioAPI, c: Container, ctx: AdapterContext, profile: PageProfile): RawItem {
  const el = c.el;
  const fields: Field[] = [];

  // dt/dd pairs; a dt may carry several dd.
  el.find('dt').each((_, dt) => {
    const label = labelOf($(dt).text());
    if (label) fields.push(field($, label, $(dt).nextUntil('dt').filter('dd')));
  });
  // Label rows inside the item: <tr><th>Tjänst</th><td>…</td></tr>.
  el.find('tr').each((_, tr) => {
    const th = $(tr).children('th').first();
    const label = th.length ? labelOf(th.text()) : undefined;
    if (label) fields.push(field($, label, $(tr).children('td')));
  });
  // The item is a table row: the header row names the columns.
  let columnTitle: string | null = null;
  if (el.is('tr')) {
    const header = tableHeader($, el.closest('table'));
    el.children('td').each((i, td) => {
      const label = labelOf(header[i] ?? '');
      if (label) fields.push(field($, label, $(td)));
      else columnTitle ??= norm($(td).text()) || null;
    });
  }
  const details = readBlocks($, el, fields);
  // "Senast uppdaterad" is shown with the item, wherever the page put it.
  for (const f of fields) if (f.label === 'updated' && f.text) details.push(`Senast uppdaterad: ${f.text}`);

  const title = findTitle($, el, ctx.options, fields, columnTitle);
  const badge = findBadge($, el, ctx.options);
  const fallback = fields.some((f) => f.label === 'start' || f.label === 'time' || f.label === 'end')
    ? null
    : (profile.fallbackTime?.(el, $, c.sectionHeading) ?? null);
  return {
    title: title.text,
    url: absoluteUrl(title.href, ctx.url),
    badge,
    fields,
    details: details.filter((d) => d !== title.text && d !== badge),
    fallbackTime: fallback,
  };
}

/** Leaf blocks: "Tjänst: …" lines become fields, other text becomes details. */
function readBlocks($: CheerioAPI, el: Cheerio<Element>, fields: Field[]): string[] {
  const details: string[] = [];
  const used = new Set<AnyNode>();
  const item = el[0] as Element;
  const candidates = el.find('p, li, div').toArray();
  if (el.children().filter(BLOCKS).length === 0 && !el.is('tr')) candidates.unshift(item);
  for (const block of candidates) {
    const b = $(block);
    if (used.has(block) || b.find(BLOCKS).length > 0) continue;
    // Values inside dl and label tables were read above; headings are the title.
    if (b.parentsUntil(item).filter('dl, table, h1, h2, h3, h4, h5, h6').length) continue;
    // Date and time blocks are the calendar's fallback time, not free text.
    if (b.is('[class*=time], [class*=date]') && !b.is('[class*=updated]')) continue;
    const lines = textLines($, b);
    const labelled = lines.map((l) => splitLabelled(l));
    const count = labelled.filter(Boolean).length;
    if (count > 0) {
      labelled.forEach((lv, i) => {
        if (!lv) {
          details.push(lines[i] as string);
          return;
        }
        // "Berörda tjänster:" with the names in the list that follows.
        const list = !lv.value && i === lines.length - 1 ? b.next('ul, ol') : $([]);
        list.find('li').each((_, li) => void used.add(li));
        const f = list.length ? field($, lv.label, list) : field($, lv.label, b, lv.value);
        // Several labels share this block: a <time> in it cannot be told apart.
        if (count > 1) f.datetime = null;
        fields.push(f);
      });
      continue;
    }
    const labelElement = leadingLabel($, b);
    if (labelElement) {
      fields.push(labelElement);
      continue;
    }
    if (lines.length) details.push(lines.join(' '));
  }
  return details;
}

/** <span class="label">Tjänst</span><span>1177 journal</span>: a label element without a colon. */
function leadingLabel($: CheerioAPI, b: Cheerio<Element>): Field | undefined {
  const nodes = b.contents().toArray();
  const at = nodes.findIndex((n) => n.type !== 'text' || n.data.trim() !== '');
  const first = nodes[at];
  if (!first || first.type !== 'tag' || $(first).is(BLOCKS)) return undefined;
  const label = labelOf($(first).text());
  if (!label) return undefined;
  const rest = $(nodes.slice(at + 1));
  return field($, label, rest, textLines($, rest).join('\n').replace(/^\s*[:：]\s*/u, ''));
}

function findTitle(
  $: CheerioAPI,
  el: Cheerio<Element>,
  options: SourceOptions,
  fields: Field[],
  columnTitle: string | null,
): { text: string; href: string | undefined } {
  const configured = options.selectors?.title ? el.find(options.selectors.title).first() : $([]);
  const heading = configured.length ? configured : el.find('h1, h2, h3, h4, h5').first();
  const link = (node: Cheerio<Element>) => (node.is('a') ? node : node.find('a[href]').first()).attr('href');
  if (heading.length && norm(heading.text())) return { text: norm(heading.text()), href: link(heading) };
  const labelled = fields.find((f) => f.label === 'title');
  const firstLink = el.find('a[href]').filter((_, a) => norm($(a).text()) !== '').first();
  if (labelled?.text) return { text: labelled.text, href: firstLink.attr('href') };
  if (columnTitle) return { text: columnTitle, href: firstLink.attr('href') };
  if (firstLink.length) return { text: norm(firstLink.text()), href: firstLink.attr('href') };
  const strong = el
    .find('strong, b')
    .filter((_, s) => !labelOf($(s).text()) && norm($(s).text()).length > 3)
    .first();
  return { text: norm(strong.text()), href: undefined };
}

/** The first short badge-like text that names a status or kind ("Pågående störning", "Release"). */
function findBadge($: CheerioAPI, el: Cheerio<Element>, options: SourceOptions): string | null {
  const configured = options.selectors?.badge;
  for (const node of el.find(configured ?? BADGES).toArray()) {
    const b = $(node);
    if (b.find('h1, h2, h3, h4, h5, h6, dl, table, p').length) continue;
    const text = norm(b.text());
    if (!text || text.length > 60) continue;
    if (configured || statusFromWords(text) || kindFromWords(text)) return text;
  }
  return null;
}

/** An absolute http(s) link, or null for missing, fragment-only or script links. */
export function absoluteUrl(href: string | undefined, base: string): string | null {
  if (!href || href.trim().startsWith('#')) return null;
  try {
    const u = new URL(href.trim(), base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch (err) {
    // An unparseable href is no link at all; the item keeps its other identity.
    void err;
    return null;
  }
}
