/** Instants as stored (UTC ISO, comparable as strings) and as shown in data (Stockholm offset). */
import { DateTime } from 'luxon';

export const ZONE = 'Europe/Stockholm';

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
