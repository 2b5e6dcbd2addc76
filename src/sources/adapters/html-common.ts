/**
 * The HTML extraction engine behind the Inera page adapters. The real markup is a guess
 * (SOURCES.md), so items are found through several container shapes and read by their
 * Swedish labels (dt/dd, table headers, "Tjänst: …" lines), not by class names.
 *
 * A page may hold thousands of items, and cheerio compiles a CSS selector on every
 * `.find()`, `.is()` or `.nextUntil()` call. So the page is read by walking the parsed tree
 * with the plain predicates in html-dom.ts, each item's elements are listed
 * once, and what several items share (the year headings above them, a table's header row)
 * is worked out once per page. Only selectors from configuration, a table's header row and
 * the calendar's fallback time still go through cheerio.
 */
import * as cheerio from 'cheerio/slim';
import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { describeError, ParseError } from '../../domain/errors.js';
import type { Kind, ParsedItem, ParseResult } from '../../domain/types.js';
import {
  ancestors,
  ancestorsBelow,
  anyElement,
  children,
  classHas,
  closestTable,
  findAll,
  firstMatch,
  hasItemClass,
  isArticle,
  isBadgeContainer,
  isBadgeLike,
  isBlock,
  isChrome,
  isDataCell,
  isElement,
  isHeaderCell,
  isHeading,
  isLabelCell,
  isLineTag,
  isLink,
  isList,
  isListItem,
  isReadElsewhere,
  isRow,
  isStrong,
  isSubheading,
  isTable,
  isTerm,
  isTextBlock,
  isTimeStamp,
  isTitleHeading,
  MAIN_CONTENT,
  nextElement,
  parentOf,
  textOf,
  textOutside,
} from './html-dom.js';
import { absoluteUrl } from '../../util/urls.js';
import { buildItem, type Field, type RawItem } from './html-item.js';
import { kindFromWords, labelOf, splitLabelled, statusFromWords } from '../../domain/status-words.js';
import { mentionsDate } from '../../domain/swedish-time.js';
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

/**
 * One item container; `nodes` are the page nodes it covers (several for a heading section).
 * Plain nodes, not cheerio wrappers: a wrapper per item is made only where a cheerio call needs one.
 */
interface Container {
  /** The element read as the item: the container, or a detached copy of a heading section. */
  item: Element;
  nodes: AnyNode[];
  sectionHeading: string | null;
}

/** One parsed page, with lookups that many items share, filled as they are first needed. */
interface Page {
  $: CheerioAPI;
  /** Per node: the nearest earlier sibling heading naming a year (see yearHeadingBefore). */
  yearHeadings: Map<AnyNode, string | null>;
  /** Per table: the texts of its header row (see tableHeader). */
  tableHeaders: Map<AnyNode, string[]>;
  /** Per node: the latest earlier sibling heading of each rank (see listHeading). */
  headingsBefore: Map<AnyNode, HeadingSeen[]>;
}

/** A heading met while walking siblings: its rank (1 for h1) and its order among them. */
interface HeadingSeen {
  el: Element;
  at: number;
}

/** "Just nu finns inga pågående störningar", "Det finns inga kommande åtgärder", … */
const EMPTY_TEXT =
  /(?<![\p{L}\p{N}])inga\s+(?:[\p{L}-]+\s+){0,3}?(?:driftstörningar|störningar|åtgärder|servicefönster|releaser|händelser|driftmeddelanden|införanden)(?![\p{L}\p{N}])/iu;
/** A heading that names a year ("December 2026") dates the items under it. */
const YEAR = /\b(?:19|20)\d{2}\b/;

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
  $(findAll([$.root()[0]!], isChrome)).remove();
  const page: Page = { $, yearHeadings: new Map(), tableHeaders: new Map(), headingsBefore: new Map() };
  const main = mainContent($);
  const containers = findContainers(page, main, ctx.options);
  const items: ParsedItem[] = [];
  const warnings: string[] = [];
  let skipped = 0;
  containers.forEach((c, i) => {
    const where = `${profile.name}: item ${i + 1}`;
    try {
      const raw = extractItem(page, c, ctx, profile);
      if (!raw.title) {
        warnings.push(`${where} has no title; skipped`);
        return;
      }
      const built = buildItem(raw, ctx, profile.defaultKind);
      items.push(built.item);
      warnings.push(...built.warnings.map((w) => `${where} ("${raw.title}"): ${w}`));
    } catch (err) {
      skipped++;
      warnings.push(`${where} skipped: ${describeError(err)}`);
    }
  });
  // Items are left out of the text searched for the empty phrase, so an item's own words
  // don't count. (Skipping them while reading is cheaper than removing them from the tree.)
  const itemNodes = new Set<AnyNode>(containers.flatMap((c) => c.nodes));
  const rest = main
    .toArray()
    .map((n) => textOutside(n, itemNodes))
    .join('');
  return { items, saysEmpty: saysEmpty(norm(rest), ctx.options.emptyTexts), warnings, ...(skipped ? { skipped } : {}) };
}

/** True when the text says there is nothing to report (built-in phrases or the source's own). */
export function saysEmpty(text: string, extra: string[] = []): boolean {
  if (EMPTY_TEXT.test(text)) return true;
  if (!extra.length) return false;
  const folded = text.toLocaleLowerCase('sv');
  return extra.some((t) => norm(t) && folded.includes(norm(t).toLocaleLowerCase('sv')));
}

/** The page's main content: `main`, else `[role=main]`, `#main-content`, `#content`, `body`, else the whole page. */
function mainContent($: CheerioAPI): Cheerio<AnyNode> {
  const document = $.root()[0]!.children;
  for (const test of MAIN_CONTENT) {
    const found = firstMatch(document, test);
    if (found) return $(found);
  }
  return $.root();
}

function findContainers(page: Page, main: Cheerio<AnyNode>, options: SourceOptions): Container[] {
  const { $ } = page;
  const wrap = (els: Element[]) => els.map((el) => ({ item: el, nodes: [el], sectionHeading: sectionHeading(page, el) }));
  const configured = options.selectors?.item;
  if (configured) {
    const inMain = main.find(configured).toArray();
    return wrap(
      itemsOnly(
        inMain.length
          ? inMain
          : ($(configured)
              .filter((_, n) => n.type === 'tag')
              .toArray() as Element[]),
      ),
    );
  }
  // Specific item classes first: a generic `article` may be the whole page's wrapper.
  for (const shape of [hasItemClass, isArticle]) {
    const found = itemsOnly(findAll(main.toArray(), shape));
    if (found.length) return wrap(found);
  }
  const rows = headerTableRows(page, main);
  if (rows.length) return wrap(rows);
  const listItems = itemsOnly(findAll(main.toArray(), (el) => el.name === 'li' && children(el).some(isSubheading)));
  if (listItems.length) return wrap(listItems);
  return headingSections(page, main);
}

/** Drops wrappers (a candidate holding two or more others), then parts of items (nested in a kept one). */
function itemsOnly(candidates: Element[]): Element[] {
  const set = new Set<AnyNode>(candidates);
  const counts = new Map<AnyNode, number>();
  for (const el of candidates) {
    for (const p of ancestors(el)) if (set.has(p)) counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  const kept = candidates.filter((el) => (counts.get(el) ?? 0) < 2);
  const keptSet = new Set<AnyNode>(kept);
  return kept.filter((el) => !ancestors(el).some((p) => keptSet.has(p)));
}

/** Rows of tables whose header row names our labels: one item per row. */
function headerTableRows(page: Page, main: Cheerio<AnyNode>): Element[] {
  const rows: Element[] = [];
  for (const table of findAll(main.toArray(), isTable)) {
    const header = tableHeader(page, table);
    if (header.filter((h) => labelOf(h)).length < 2) continue;
    for (const tr of findAll([table], isRow)) {
      if (children(tr).some(isDataCell) && closestTable(tr) === table) rows.push(tr);
    }
  }
  return rows;
}

/** Texts of a table's header row (none without a table); read once per table, as every row asks. */
function tableHeader(page: Page, table: Element | undefined): string[] {
  if (!table) return [];
  let header = page.tableHeaders.get(table);
  if (!header) {
    header = readTableHeader(page.$, page.$(table));
    page.tableHeaders.set(table, header);
  }
  return header;
}

/** Texts of a table's header row: its thead, or a first row made only of th cells. */
function readTableHeader($: CheerioAPI, table: Cheerio<AnyNode>): string[] {
  let row = table.find('thead tr').first();
  if (!row.length) {
    const first = table.find('tr').first();
    if (first.children('th').length && !first.children('td').length) row = first;
  }
  return row
    .children('th, td')
    .toArray()
    .map((c) => norm($(c).text()));
}

/** Last resort: a heading plus the siblings up to the next heading, when they hold labelled values. */
function headingSections(page: Page, main: Cheerio<AnyNode>): Container[] {
  const { $ } = page;
  const out: Container[] = [];
  for (const h of findAll(main.toArray(), isSubheading)) {
    const nodes: Element[] = [h];
    for (let n = nextElement(h); n && !isHeading(n); n = nextElement(n)) nodes.push(n);
    const hasLabel = nodes.slice(1).some((n) => {
      const labelCells = isLabelCell(n) ? [n, ...findAll([n], isLabelCell)] : findAll([n], isLabelCell);
      return labelCells.some((x) => labelOf(textOf(x))) || linesOf([n]).some((l) => splitLabelled(l));
    });
    if (!hasLabel && !isProseNotice(nodes)) continue;
    const el = $('<div></div>') as Cheerio<Element>;
    el.append($(nodes).clone());
    out.push({ item: el[0] as Element, nodes, sectionHeading: sectionHeading(page, h) });
  }
  return out;
}

/**
 * A heading with paragraphs and no labels is still a notice when its words name a kind
 * ("tekniskt underhåll", "störning") and a sentence in it names a date; a page's other
 * sections ("Om driftstatus", "Prenumerera") name neither and stay out.
 */
function isProseNotice(nodes: Element[]): boolean {
  const lines = linesOf(nodes);
  return !!kindFromWords(lines.join(' ')) && proseTime(lines.slice(1)) !== null;
}

/** The nearest heading above the item that names a year ("December 2026"), for dates without one. */
function sectionHeading(page: Page, el: Element): string | null {
  for (let cur: AnyNode | null = el; cur && !(isElement(cur) && cur.name === 'body'); cur = parentOf(cur)) {
    const heading = yearHeadingBefore(page, cur);
    if (heading) return heading;
  }
  return null;
}

/**
 * The nearest earlier sibling of `node` that is a heading naming a year. The first question
 * about a node answers it for all its siblings in one pass, so the thousands of items of one
 * list do not each scan back over the items before them.
 */
function yearHeadingBefore(page: Page, node: AnyNode): string | null {
  if (!page.yearHeadings.has(node)) {
    let first = node;
    while (first.prev) first = first.prev;
    let latest: string | null = null;
    for (let sibling: AnyNode | null = first; sibling; sibling = sibling.next) {
      page.yearHeadings.set(sibling, latest);
      if (isElement(sibling) && isHeading(sibling)) {
        const text = norm(textOf(sibling));
        if (YEAR.test(text)) latest = text;
      }
    }
  }
  return page.yearHeadings.get(node) ?? null;
}

/**
 * The heading of the list an item sits in ("Servicefönster", "Uppgraderingar"): the nearest
 * heading before it, at its own level or any level above. For a heading section, only a
 * heading of a higher rank than the section's own counts (an h2 above a run of h3 items).
 */
function listHeading(page: Page, c: Container): string | null {
  const first = c.nodes[0];
  if (!first) return null;
  const own = isElement(first) && isHeading(first) ? rank(first) : 7;
  for (let cur: AnyNode | null = first; cur && !(isElement(cur) && cur.name === 'body'); cur = parentOf(cur)) {
    let best: HeadingSeen | undefined;
    for (const seen of headingsBefore(page, cur)) {
      if (seen && rank(seen.el) < own && (!best || seen.at > best.at)) best = seen;
    }
    if (best) return norm(textOf(best.el)) || null;
  }
  return null;
}

const rank = (h: Element): number => Number(h.name.slice(1));

/** The latest earlier sibling heading of each rank; one pass answers for all siblings of a node. */
function headingsBefore(page: Page, node: AnyNode): HeadingSeen[] {
  let found = page.headingsBefore.get(node);
  if (!found) {
    let first = node;
    while (first.prev) first = first.prev;
    let latest: HeadingSeen[] = [];
    let at = 0;
    for (let sibling: AnyNode | null = first; sibling; sibling = sibling.next, at++) {
      page.headingsBefore.set(sibling, latest);
      if (isElement(sibling) && isHeading(sibling)) {
        latest = [...latest];
        latest[rank(sibling)] = { el: sibling, at };
      }
    }
    found = page.headingsBefore.get(node) ?? [];
  }
  return found;
}

/** Text split into lines at <br> and block boundaries, each line whitespace-collapsed. */
export function textLines(el: Cheerio<AnyNode>): string[] {
  return linesOf(el.toArray());
}

/** textLines for plain nodes. */
function linesOf(nodes: readonly AnyNode[]): string[] {
  let out = '';
  const walk = (node: AnyNode): void => {
    if (node.type === 'text') out += node.data;
    else if (node.type === 'tag') {
      if (node.name === 'br') out += '\n';
      else {
        const block = isBlock(node) || isLineTag(node);
        if (block) out += '\n';
        node.children.forEach(walk);
        if (block) out += '\n';
      }
    }
  };
  nodes.forEach(walk);
  return out.split('\n').map(norm).filter(Boolean);
}

/** One labelled value; `value` are the nodes holding it, `text` overrides their text. */
function field(label: Field['label'], value: readonly AnyNode[], text?: string): Field {
  const list = findAll(value, isListItem)
    .map((li) => norm(textOf(li)))
    .filter(Boolean);
  // The value nodes themselves or anything in them, whichever comes first on the page.
  const time = firstMatch(value, isTimeStamp);
  const lines = text === undefined ? linesOf(value) : text.split('\n').map(norm).filter(Boolean);
  return { label, text: norm(lines.join(' ')), lines, list, datetime: time?.attribs.datetime ?? null };
}

/** Reads title, link, badge, labelled fields and free text from one container. */
function extractItem(page: Page, c: Container, ctx: AdapterContext, profile: PageProfile): RawItem {
  const item = c.item;
  // The item's elements in document order, listed once; the lookups below filter this list.
  const inside = findAll([item], anyElement);
  const fields: Field[] = [];

  // dt/dd pairs; a dt may carry several dd.
  for (const dt of inside.filter(isTerm)) {
    const label = labelOf(textOf(dt));
    if (label) fields.push(field(label, definitionsOf(dt)));
  }
  // Label rows inside the item: <tr><th>Tjänst</th><td>…</td></tr>.
  for (const tr of inside.filter(isRow)) {
    const th = children(tr).find(isHeaderCell);
    const label = th ? labelOf(textOf(th)) : undefined;
    if (label) fields.push(field(label, children(tr).filter(isDataCell)));
  }
  // The item is a table row: the header row names the columns.
  let columnTitle: string | null = null;
  if (isRow(item)) {
    const header = tableHeader(page, closestTable(item));
    children(item)
      .filter(isDataCell)
      .forEach((td, i) => {
        const label = labelOf(header[i] ?? '');
        if (label) fields.push(field(label, [td]));
        else columnTitle ??= norm(textOf(td)) || null;
      });
  }
  const details = readBlocks(item, inside.filter(isTextBlock), fields);
  // Free text is the last time source; read before the "Senast uppdaterad" line is added,
  // as when the item was updated is not its time. Skipped (it scans text) when not needed.
  const fallback = fields.some((f) => f.label === 'start' || f.label === 'time' || f.label === 'end')
    ? null
    : (profile.fallbackTime?.(page.$(item), page.$, c.sectionHeading) ?? proseTime(details));
  // "Senast uppdaterad" is shown with the item, wherever the page put it.
  for (const f of fields) if (f.label === 'updated' && f.text) details.push(`Senast uppdaterad: ${f.text}`);

  const title = findTitle(page, item, inside, ctx.options, fields, columnTitle);
  const badge = findBadge(page, item, inside, ctx.options);
  return {
    title: title.text,
    url: absoluteUrl(title.href, ctx.url),
    badge,
    list: listHeading(page, c),
    fields,
    details: details.filter((d) => d !== title.text && d !== badge),
    fallbackTime: fallback,
  };
}

/** Sentences that date the notice itself or the next update, not the event. */
const STAMP =
  /^(?:senast\s+)?(?:uppdaterad|uppdaterat|publicerad|publicerat|uppdatering(?:\s+\d+)?\s*[:(,–-])|(?<![\p{L}])(?:nästa\s+(?:uppdatering|information)|återkommer|publicerad|publicerat)(?![\p{L}])/iu;

/**
 * The first sentence of free text that names a date, for an item with no time labels:
 * Inera's notices say "Torsdagen den 13 juni mellan kl. 07:00 - 08:00 görs tekniskt
 * underhåll av Intygstjänster" with no labels at all. Sentences that date the notice or
 * announce the next update are skipped; without a date sentence the item keeps null times.
 */
export function proseTime(details: readonly string[]): string | null {
  for (const sentence of details.flatMap((d) => d.split(/(?<=[.!?])\s+(?=\p{Lu})/u))) {
    const text = norm(sentence);
    if (text && !STAMP.test(text) && mentionsDate(text)) return text;
  }
  return null;
}

/** The dd elements after a dt, up to the next dt. */
function definitionsOf(dt: Element): Element[] {
  const out: Element[] = [];
  for (let n = nextElement(dt); n && !isTerm(n); n = nextElement(n)) if (n.name === 'dd') out.push(n);
  return out;
}

/** Leaf blocks (of the item's p, li and div): "Tjänst: …" lines become fields, other text becomes details. */
function readBlocks(item: Element, candidates: Element[], fields: Field[]): string[] {
  const details: string[] = [];
  const used = new Set<AnyNode>();
  if (!children(item).some(isBlock) && !isRow(item)) candidates.unshift(item);
  for (const block of candidates) {
    if (used.has(block) || firstMatch(block.children, isBlock)) continue;
    // Values inside dl and label tables were read above; headings are the title.
    if (ancestorsBelow(block, item).some((p) => isElement(p) && isReadElsewhere(p))) continue;
    // Date and time blocks are the calendar's fallback time, not free text.
    if (classHas(block, 'time', 'date') && !classHas(block, 'updated')) continue;
    const lines = linesOf([block]);
    const labelled = lines.map((l) => splitLabelled(l));
    const count = labelled.filter(Boolean).length;
    if (count > 0) {
      labelled.forEach((lv, i) => {
        if (!lv) {
          details.push(lines[i] as string);
          return;
        }
        // "Berörda tjänster:" with the names in the list that follows.
        const next = !lv.value && i === lines.length - 1 ? nextElement(block) : null;
        const list = next && isList(next) ? next : null;
        if (list) for (const li of findAll([list], isListItem)) used.add(li);
        const f = list ? field(lv.label, [list]) : field(lv.label, [block], lv.value);
        // Several labels share this block: a <time> in it cannot be told apart.
        if (count > 1) f.datetime = null;
        fields.push(f);
      });
      continue;
    }
    const labelElement = leadingLabel(block);
    if (labelElement) {
      fields.push(labelElement);
      continue;
    }
    if (lines.length) details.push(lines.join(' '));
  }
  return details;
}

/** <span class="label">Tjänst</span><span>1177 journal</span>: a label element without a colon. */
function leadingLabel(block: Element): Field | undefined {
  const nodes = block.children;
  const at = nodes.findIndex((n) => n.type !== 'text' || n.data.trim() !== '');
  const first = nodes[at];
  if (!first || first.type !== 'tag' || isBlock(first)) return undefined;
  const label = labelOf(textOf(first));
  if (!label) return undefined;
  const rest = nodes.slice(at + 1);
  return field(
    label,
    rest,
    linesOf(rest)
      .join('\n')
      .replace(/^\s*[:：]\s*/u, ''),
  );
}

/** `inside` are the item's elements in document order. */
function findTitle(
  page: Page,
  item: Element,
  inside: Element[],
  options: SourceOptions,
  fields: Field[],
  columnTitle: string | null,
): { text: string; href: string | undefined } {
  const configured = options.selectors?.title ? page.$(item).find(options.selectors.title).get(0) : undefined;
  const heading = configured ?? inside.find(isTitleHeading);
  const link = (node: Element) => (node.name === 'a' ? node : firstMatch(node.children, isLink))?.attribs.href;
  if (heading && norm(textOf(heading))) return { text: norm(textOf(heading)), href: link(heading) };
  const labelled = fields.find((f) => f.label === 'title');
  const firstLink = inside.find((a) => isLink(a) && norm(textOf(a)) !== '');
  if (labelled?.text) return { text: labelled.text, href: firstLink?.attribs.href };
  if (columnTitle) return { text: columnTitle, href: firstLink?.attribs.href };
  if (firstLink) return { text: norm(textOf(firstLink)), href: firstLink.attribs.href };
  const strong = inside.find((s) => isStrong(s) && !labelOf(textOf(s)) && norm(textOf(s)).length > 3);
  return { text: strong ? norm(textOf(strong)) : '', href: undefined };
}

/** The first short badge-like text that names a status or kind ("Pågående störning", "Release"). */
function findBadge(page: Page, item: Element, inside: Element[], options: SourceOptions): string | null {
  const configured = options.selectors?.badge;
  const candidates = configured ? page.$(item).find(configured).toArray() : inside.filter(isBadgeLike);
  for (const b of candidates) {
    if (firstMatch(b.children, isBadgeContainer)) continue;
    const text = norm(textOf(b));
    if (!text || text.length > 60) continue;
    if (configured || statusFromWords(text) || kindFromWords(text)) return text;
  }
  return null;
}
