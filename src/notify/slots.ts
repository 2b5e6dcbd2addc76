/** Digest slots: the latest scheduled time at or before now, on a cron pattern in Europe/Stockholm. */
import { CronExpressionParser } from 'cron-parser';
import { ZONE } from '../util/time.js';

/**
 * The latest two occurrences of `pattern` at or before `now`. A digest run asks once per
 * recipient with the same pattern and instant, and cron-parser's zone maths (luxon) is
 * costly, so the last answer per pattern is kept.
 */
const lastSlots = new Map<string, { at: number; latest: Date; previous: Date }>();

function slots(pattern: string, now: Date): { latest: Date; previous: Date } {
  const hit = lastSlots.get(pattern);
  if (hit?.at === now.getTime()) return hit;
  // prev() is strictly before currentDate: step one second past now so a run at 07:30:00 counts.
  const it = CronExpressionParser.parse(pattern, { currentDate: new Date(now.getTime() + 1000), tz: ZONE });
  const latest = it.prev().toDate();
  const entry = { at: now.getTime(), latest, previous: it.prev().toDate() };
  lastSlots.set(pattern, entry);
  return entry;
}

/** The latest occurrence of `pattern` at or before `now`. */
export function latestSlot(pattern: string, now: Date): Date {
  return new Date(slots(pattern, now).latest);
}

/** The occurrence before the latest slot: where a recipient's first digest starts. */
export function previousSlot(pattern: string, now: Date): Date {
  return new Date(slots(pattern, now).previous);
}

/** Throws a readable error for a pattern cron cannot read. */
export function assertCron(pattern: string, what: string): void {
  try {
    CronExpressionParser.parse(pattern, { tz: ZONE });
  } catch (cause) {
    throw new Error(`${what}: not a cron pattern: "${pattern}" (${(cause as Error).message})`, { cause });
  }
}
