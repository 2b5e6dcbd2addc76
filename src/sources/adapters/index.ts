/** The adapter registry: add a source type by writing one adapter file and listing it here. */
import { ineraDriftstatus } from './inera-driftstatus.js';
import { ineraKommandeAtgarder } from './inera-kommande-atgarder.js';
import { ineraPlaneringskalendern } from './inera-planeringskalendern.js';
import { rssAdapter } from './rss.js';
import type { Adapter } from './types.js';

const ADAPTERS: readonly Adapter[] = [ineraDriftstatus, ineraKommandeAtgarder, ineraPlaneringskalendern, rssAdapter];

/** Names accepted in configuration (`adapter:`) and by `driftkoll parse --adapter`. */
export const ADAPTER_NAMES: readonly string[] = ADAPTERS.map((a) => a.name);

/** The adapter registered under this name, or undefined. */
export function getAdapter(name: string): Adapter | undefined {
  return ADAPTERS.find((a) => a.name === name);
}
