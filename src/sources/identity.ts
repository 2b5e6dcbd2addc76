/**
 * An item's identity (DESIGN.md): its detail link when it has one, else its GUID where
 * the source is trusted, else its content: kind, title without status prefix, services, start day.
 */
import { createHash } from 'node:crypto';
import type { ParsedItem } from '../domain/types.js';
import type { EventFields } from '../domain/event.js';
import { stripStatusPrefix } from '../domain/status-words.js';
import { localDay, storedIso } from '../util/time.js';
import { urlKey } from '../util/urls.js';

/** The key of one item; `trustGuid` comes from the source's configuration. */
function itemKey(item: ParsedItem, opts: { trustGuid: boolean }): string {
  if (item.url) return `url:${urlKey(item.url)}`;
  if (opts.trustGuid && item.guid) return `guid:${item.guid.trim()}`;
  const title = stripStatusPrefix(item.title).toLowerCase().replace(/\s+/g, ' ').trim();
  const services = [...item.services].sort().join(',');
  const day = localDay(item.start) ?? '-';
  const digest = createHash('sha256').update([item.kind, title, services, day].join('\n')).digest('hex').slice(0, 20);
  return `content:${digest}`;
}

/** An item with its key, as the store keeps it, beside what the parser read. */
export interface KeyedItem {
  fields: EventFields;
  item: ParsedItem;
}

/** Gives every item its key; a second item with the same key on one page is dropped. */
export function keyItems(items: ParsedItem[], source: { trustGuid?: boolean }): KeyedItem[] {
  const seen = new Set<string>();
  const out: KeyedItem[] = [];
  for (const item of items) {
    const key = itemKey(item, { trustGuid: source.trustGuid ?? false });
    if (seen.has(key)) continue;
    seen.add(key);
    const { kind, status, title, services, start, end, url, impact, timeText, details, guid } = item;
    // Stored instants are UTC; the key above was made from the day as the source wrote it.
    out.push({
      fields: { key, kind, status, title, services, start: storedIso(start), end: storedIso(end), url, impact, timeText, details, guid },
      item,
    });
  }
  return out;
}
