/** The tiny interface every source adapter implements; register new ones in ./index.ts. */
import type { Catalogue } from '../../domain/services.js';
import type { Kind, ParseResult } from '../../domain/types.js';

/** Per-source settings from configuration that adapters may use. */
export interface SourceOptions {
  /** CSS selectors overriding the adapter's defaults. `item` selects one item container. */
  selectors?: { item?: string; title?: string; badge?: string };
  /** Feed adapters: the kind of an item when nothing in it says otherwise. */
  defaultKind?: Kind;
  /** Feed adapters: whether GUIDs identify items across fetches (default false). */
  trustGuid?: boolean;
  /** Extra phrases that mean "nothing to report" on this page. */
  emptyTexts?: string[];
}

export interface AdapterContext {
  /** The page's URL after redirects, to resolve relative links. */
  url: string;
  /** The injected clock, for relative dates and year inference. */
  now: Date;
  catalogue: Catalogue;
  options: SourceOptions;
}

export interface Adapter {
  name: string;
  /**
   * Pure: text in, items out. One bad item is dropped with a warning; the others stay.
   * Throws ParseError only when the body as a whole is unreadable (not XML, truncated).
   * An empty `items` without `saysEmpty` is treated by the caller as a failed parse.
   */
  parse(body: string, ctx: AdapterContext): Promise<ParseResult>;
}
