/** Links taken from scraped pages: made absolute, made safe for an href, and compared. */

/** The URL when it is http(s); null otherwise, so a scraped `javascript:` URL never becomes a link. */
export function httpUrlOrNull(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:' ? url : null;
  } catch {
    return null; // not an absolute URL at all: the event is shown without a link
  }
}

/** An absolute http(s) link resolved against `base`, or null for missing, fragment-only or script links. */
export function absoluteUrl(href: string | null | undefined, base: string): string | null {
  const trimmed = href?.trim();
  if (!trimmed || trimmed.startsWith('#')) return null;
  try {
    return httpUrlOrNull(new URL(trimmed, base).toString());
  } catch {
    return null; // an unparseable href is no link at all; the item keeps its other identity
  }
}

/**
 * A link as a comparable key: fragment dropped, host lower-cased, trailing slashes ignored.
 * Text that is no absolute URL is kept trimmed; it is still a stable key.
 */
export function urlKey(raw: string): string {
  try {
    const u = new URL(raw.trim());
    u.hash = '';
    u.hostname = u.hostname.toLowerCase();
    return u.toString().replace(/\/+$/, '');
  } catch {
    return raw.trim().replace(/#.*$/, '').replace(/\/+$/, '');
  }
}
