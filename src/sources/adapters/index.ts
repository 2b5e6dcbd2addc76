/**
 * The adapter registry: add a source type by writing one adapter file and listing it here.
 * Adapters are loaded on their first parse, so a command that parses nothing never loads
 * cheerio, and only a feed source loads rss-parser.
 */
// Loaded for its side effect: Stockholm's UTC offset kept per hour, which parsing dates leans on.
import '../../util/time.js';
import type { Adapter } from './types.js';

const LOADERS: Readonly<Record<string, () => Promise<Adapter>>> = {
  'inera-driftstatus': async () => (await import('./inera-driftstatus.js')).ineraDriftstatus,
  'inera-kommande-atgarder': async () => (await import('./inera-kommande-atgarder.js')).ineraKommandeAtgarder,
  'inera-planeringskalendern': async () => (await import('./inera-planeringskalendern.js')).ineraPlaneringskalendern,
  rss: async () => (await import('./rss.js')).rssAdapter,
};

/** Names accepted in configuration (`adapter:`) and by `driftkoll parse --adapter`. */
export const ADAPTER_NAMES: readonly string[] = Object.keys(LOADERS);

/** The adapter registered under this name (its module loaded on first parse), or undefined. */
export function getAdapter(name: string): Adapter | undefined {
  const load = Object.hasOwn(LOADERS, name) ? LOADERS[name] : undefined;
  if (!load) return undefined;
  let loaded: Promise<Adapter> | undefined;
  return {
    name,
    parse: async (body, ctx) => {
      loaded ??= load();
      return (await loaded).parse(body, ctx);
    },
  };
}
