/**
 * Reminders: a service window or release that starts within the lead time (default
 * 24 h) is reminded once per recipient; the key holds the start, so a rescheduled
 * window is reminded again for its new time.
 */
import { mailEvent, type ReminderData } from '../mail/types.js';
import { listEvents } from '../store/events.repo.js';
import { enqueue, hasMessageKey } from '../store/outbox.repo.js';
import { compose, recipientLinks, type NotifyDeps } from './compose.js';
import { recipientsFor } from './recipients.js';

/** Enqueues the reminders due now; returns how many new messages were enqueued. */
export async function sendReminders(deps: NotifyDeps): Promise<number> {
  const { db, clock, config, logger } = deps;
  const now = clock.now().getTime();
  const horizon = now + config.schedules.reminderLeadHours * 3_600_000;
  const due = listEvents(db, { listedOnly: true }).filter((e) => {
    if (e.kind === 'disruption' || e.status !== 'planned' || !e.start) return false;
    const start = Date.parse(e.start);
    return start > now && start <= horizon;
  });
  const messages = [];
  for (const event of due) {
    for (const r of recipientsFor(db, event, { contacts: true, cadences: ['immediate', 'daily'] })) {
      const data: ReminderData = {
        template: 'reminder',
        to: r.email,
        links: recipientLinks(deps, r.email),
        reasons: r.reasons,
        event: mailEvent(event),
      };
      const key = `reminder:${r.email.toLowerCase()}:${event.id}:${new Date(event.start!).toISOString()}`;
      messages.push({ key, data });
    }
  }
  // Render only what is not in the outbox yet: a reminder is sent once.
  const fresh = messages.filter((m) => !hasMessageKey(db, m.key));
  const rows = await Promise.all(fresh.map((m) => compose(deps, 'reminder', m.key, m.data)));
  const n = db.transaction(() => rows.filter((row) => enqueue(db, row).created).length).immediate();
  if (n) logger.info({ reminders: n, events: due.length }, 'reminders enqueued');
  return n;
}
