/**
 * Tree helpers for the HTML engine: plain-node equivalents of the cheerio calls they
 * replace (named in each comment), so that reading an item costs a walk over its own
 * nodes and no selector compilation (see html-common.ts for why that matters).
 */
import type { AnyNode, Element } from 'domhandler';

/** A test on one element, standing in for a CSS selector. */
export type Test = (el: Element) => boolean;

/** An element node, as domhandler's `isTag` counts them (script and style included). */
export function isElement(node: AnyNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

/** A test for a list of tag names, like the selector "p, li, div". */
export function tagIn(...names: string[]): Test {
  const set = new Set(names);
  return (el) => set.has(el.name);
}

/** A test for elements that have one of these classes (plain names, no regex characters), like `.a, .b`. */
export function classIn(...names: string[]): Test {
  const re = new RegExp(`(?:^|\\s)(?:${names.join('|')})(?:$|\\s)`);
  return (el) => {
    const cls = el.attribs.class;
    return cls !== undefined && re.test(cls);
  };
}

/** Whether the class attribute contains any of these substrings, like `[class*=badge]`. */
export function classHas(el: Element, ...parts: string[]): boolean {
  const cls = el.attribs.class;
  return cls !== undefined && parts.some((p) => cls.includes(p));
}

/** Page chrome: `script, style, noscript, template, nav, [role=navigation], body > header, body > footer`. */
export function isChrome(el: Element): boolean {
  if (CHROME_TAGS.has(el.name) || el.attribs.role === 'navigation') return true;
  const parent = el.parent;
  return (el.name === 'header' || el.name === 'footer') && !!parent && isElement(parent) && parent.name === 'body';
}
export const CHROME_TAGS = new Set(['script', 'style', 'noscript', 'template', 'nav']);

/** The class names Inera-like pages give an item container. */
export const hasItemClass = classIn(
  'status-item', 'driftstatus-item', 'calendar-item', 'incident', 'disruption', 'driftstorning',
  'storning', 'status-message', 'event-item', 'planned-item', 'maintenance-item',
);
export const isArticle = tagIn('article');
/** Where the main content is, best guess first (see mainContent). */
export const MAIN_CONTENT: Test[] = [
  tagIn('main'),
  (el) => el.attribs.role === 'main',
  (el) => el.attribs.id === 'main-content',
  (el) => el.attribs.id === 'content',
  tagIn('body'),
];

export const anyElement: Test = () => true;
export const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
export const isHeading = tagIn(...HEADINGS);
/** Item headings in the heading-section and list-item shapes. */
export const isSubheading = tagIn('h2', 'h3', 'h4');
export const isTitleHeading = tagIn('h1', 'h2', 'h3', 'h4', 'h5');
export const isBlock = tagIn('p', 'li', 'div', 'ul', 'ol', 'dl', 'table', 'section', 'article', 'header', 'footer', ...HEADINGS);
/** Not blocks, but each still starts a line of text. */
export const isLineTag = tagIn('dd', 'dt', 'tr');
/** The blocks that may hold free text or a "Tjänst: …" line. */
export const isTextBlock = tagIn('p', 'li', 'div');
/** Values in these were read as fields, or are the title. */
export const isReadElsewhere = tagIn('dl', 'table', ...HEADINGS);
/** A badge never holds these; an element that does is a section, not a badge. */
export const isBadgeContainer = tagIn(...HEADINGS, 'dl', 'table', 'p');
export const isTable = tagIn('table');
export const isRow = tagIn('tr');
export const isHeaderCell = tagIn('th');
export const isDataCell = tagIn('td');
export const isLabelCell = tagIn('dt', 'th');
export const isTerm = tagIn('dt');
export const isList = tagIn('ul', 'ol');
export const isListItem = tagIn('li');
export const isStrong = tagIn('strong', 'b');
/** `a[href]` */
export const isLink: Test = (el) => el.name === 'a' && el.attribs.href !== undefined;
/** `time[datetime]` */
export const isTimeStamp: Test = (el) => el.name === 'time' && el.attribs.datetime !== undefined;
/** The BADGES selector `.status-badge, .badge, [class*=badge], [class*=status], …`; the class selectors are within `*=badge`. */
export const isBadgeLike: Test = (el) => classHas(el, 'badge', 'status', 'type', 'tag', 'category');

/** All text below a node, as `.text()` reads it. */
export function textOf(node: AnyNode): string {
  if (node.type === 'text') return node.data;
  if (!('children' in node)) return '';
  let out = '';
  for (const child of node.children) out += textOf(child);
  return out;
}

/** `.text()` of a node with the subtrees of `skip` (below it) left out. */
export function textOutside(node: AnyNode, skip: Set<AnyNode>): string {
  if (node.type === 'text') return node.data;
  if (!('children' in node)) return '';
  let out = '';
  for (const child of node.children) if (!skip.has(child)) out += textOutside(child, skip);
  return out;
}

/** Elements below `roots` (not the roots) that pass `test`, in document order: `.find(selector)`. */
export function findAll(roots: readonly AnyNode[], test: Test): Element[] {
  const out: Element[] = [];
  for (const root of roots) collectBelow(root, test, out);
  return out;
}

/** findAll for one root, adding to `out`. */
export function collectBelow(node: AnyNode, test: Test, out: Element[]): void {
  if (!('children' in node)) return;
  for (const child of node.children) {
    if (isElement(child) && test(child)) out.push(child);
    collectBelow(child, test, out);
  }
}

/**
 * The first element among `nodes` and their descendants, in document order, that passes
 * `test`. Pass a node's `children` for `.find(selector).first()`; pass value nodes for
 * `.filter(selector).add(.find(selector)).first()`.
 */
export function firstMatch(nodes: readonly AnyNode[], test: Test): Element | undefined {
  for (const node of nodes) {
    if (isElement(node) && test(node)) return node;
    if ('children' in node) {
      const found = firstMatch(node.children, test);
      if (found) return found;
    }
  }
  return undefined;
}

/** Element children: `.children()`. */
export function children(el: Element): Element[] {
  return el.children.filter(isElement);
}

/** The next element sibling: `.next()`. */
export function nextElement(node: AnyNode): Element | null {
  for (let n = node.next; n; n = n.next) if (isElement(n)) return n;
  return null;
}

/** The parent, unless it is the document: `.parent()`. */
export function parentOf(node: AnyNode): AnyNode | null {
  const p = node.parent;
  return p && p.type !== 'root' ? p : null;
}

/** Ancestors, nearest first, without the document: `.parents()`. */
export function ancestors(node: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  for (let p = parentOf(node); p; p = parentOf(p)) out.push(p);
  return out;
}

/** Ancestors up to (not including) `stop`, or all of them when `stop` is not above: `.parentsUntil(stop)`. */
export function ancestorsBelow(node: AnyNode, stop: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  for (let p = parentOf(node); p && p !== stop; p = parentOf(p)) out.push(p);
  return out;
}

/** The element itself or its nearest ancestor that is a table: `.closest('table')`. */
export function closestTable(el: Element): Element | undefined {
  for (let n: AnyNode | null = el; n && isElement(n); n = n.parent) if (isTable(n)) return n;
  return undefined;
}
