/** Digest slots: the latest scheduled time at or before now, on a cron pattern in Europe/Stockholm. */
import { CronExpressionParser } from 'cron-parser';
import { ZONE } from '../util/time.js';

/** The latest occurrence of `pattern` at or before `now`. */
export function latestSlot(pattern: string, now: Date): Date {
  // prev() is strictly before currentDate: step one second past now so a run at 07:30:00 counts.
  const it = CronExpressionParser.parse(pattern, { currentDate: new Date(now.getTime() + 1000), tz: ZONE });
  return it.prev().toDate();
}

/** The occurrence before the latest slot: where a recipient's first digest starts. */
export function previousSlot(pattern: string, now: Date): Date {
  const it = CronExpressionParser.parse(pattern, { currentDate: new Date(now.getTime() + 1000), tz: ZONE });
  it.prev();
  return it.prev().toDate();
}

/** Throws a readable error for a pattern cron cannot read. */
export function assertCron(pattern: string, what: string): void {
  try {
    CronExpressionParser.parse(pattern, { tz: ZONE });
  } catch (cause) {
    throw new Error(`${what}: not a cron pattern: "${pattern}" (${(cause as Error).message})`, { cause });
  }
}
