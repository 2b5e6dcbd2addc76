/** Instants as stored (UTC ISO, comparable as strings) and as shown in data (Stockholm offset). */
import { DateTime, IANAZone } from 'luxon';

export const ZONE = 'Europe/Stockholm';

/**
 * Luxon works out a zone's offset with Intl.DateTimeFormat#formatToParts on every call,
 * which made it most of the time spent parsing a large page (and most of its garbage).
 * Stockholm's offset changes only at 01:00 UTC, on a whole UTC hour, so it is kept per
 * UTC hour. Luxon hands out one IANAZone per name, so every `{ zone: ZONE }` gets this.
 */
function cacheOffsets(name: string): void {
  const zone = IANAZone.create(name);
  const compute = zone.offset.bind(zone);
  const byHour = new Map<number, number>();
  zone.offset = (ts: number): number => {
    const hour = Math.floor(ts / 3_600_000);
    let offset = byHour.get(hour);
    if (offset === undefined) {
      if (byHour.size > 100_000) byHour.clear();
      offset = compute(ts);
      byHour.set(hour, offset);
    }
    return offset;
  };
}
cacheOffsets(ZONE);

/** The stored form of an instant: UTC ISO 8601, e.g. 2026-11-24T08:30:00.000Z. */
export function storedTime(d: Date): string {
  return d.toISOString();
}

/** ISO 8601 with the Stockholm offset, for JSON output: 2026-11-24T09:30:00+01:00. */
export function localIso(iso: string | null): string | null {
  if (!iso) return null;
  const dt = DateTime.fromISO(iso, { setZone: true });
  return dt.isValid ? dt.setZone(ZONE).toISO({ suppressMilliseconds: true }) : iso;
}

/** An ISO instant with any offset in its stored form (UTC); null stays null, unreadable text is kept. */
export function storedIso(iso: string | null): string | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString();
}

/** The Stockholm calendar day of an instant, "2026-11-24", or null when unreadable. */
export function localDay(iso: string | null): string | null {
  if (!iso) return null;
  const dt = DateTime.fromISO(iso, { zone: ZONE });
  return dt.isValid ? dt.toISODate() : null;
}
