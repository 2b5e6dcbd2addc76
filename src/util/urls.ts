/** Links taken from scraped pages, made safe to put in an href. */

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
