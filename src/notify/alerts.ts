/**
 * Alerts, right after the poll that found them: new, updated or resolved disruptions,
 * cancelled or rescheduled service windows. One message per recipient per batch of
 * pending changes, enqueued in the same transaction that marks the changes handled.
 */
import type { Change, Event } from '../domain/event.js';
import type { ChangeType } from '../domain/types.js';
import { mailEvent, type AlertData, type AlertItem } from '../mail/types.js';
import { getEvent } from '../store/events.repo.js';
import { anyHandled, listPendingChanges, markChangesHandled } from '../store/notifications.repo.js';
import { enqueue } from '../store/outbox.repo.js';
import { storedTime } from '../util/time.js';
import { compose, recipientLinks, type NotifyDeps } from './compose.js';
import { recipientsFor, type Recipient } from './recipients.js';
import { noticeSourceHealth } from './source-health.js';

/**
 * Most changes one alert lists; the rest are counted with a link to the web overview.
 * 5,000 changes at once once made alerts of 2.6 MB each; nobody reads past a screenful.
 */
export const MAX_ALERT_ITEMS = 25;

export interface NotifyResult {
  changes: number;
  alerts: number;
}

/** Is this change worth an immediate alert? Baseline changes never are. */
function alertWorthy(change: Change, event: Event, now: Date): boolean {
  if (change.baseline) return false;
  if (event.kind === 'disruption') {
    if (change.type === 'vanished') return change.before?.status === 'ongoing';
    return (['created', 'updated', 'resolved', 'reappeared'] as ChangeType[]).includes(change.type);
  }
  if (change.type === 'cancelled' || change.type === 'rescheduled') return true;
  // A window that disappears while still ahead is worth a line; one already past is not.
  if (change.type === 'vanished') {
    const until = Date.parse(event.end ?? event.start ?? '');
    return change.before?.status === 'planned' && Number.isFinite(until) && until > now.getTime();
  }
  return false;
}

/** Sends the alerts pending changes call for; marks every pending change handled. */
export async function notifyPending(deps: NotifyDeps): Promise<NotifyResult> {
  const { db, clock, logger } = deps;
  // Source health first: a source that stopped being readable is news for the team even when nothing changed.
  noticeSourceHealth(deps);
  const pending = listPendingChanges(db);
  if (pending.length === 0) return { changes: 0, alerts: 0 };
  const now = clock.now();

  // Latest change per event wins; the earliest "before" is kept for "flyttad från …".
  const perEvent = new Map<number, AlertItem>();
  for (const change of pending) {
    const event = getEvent(db, change.eventId);
    if (!event || !alertWorthy(change, event, now)) continue;
    const prior = perEvent.get(event.id);
    perEvent.set(event.id, { event: mailEvent(event), change: change.type, before: prior?.before ?? change.before });
  }

  const inbox = new Map<string, { recipient: Recipient; items: AlertItem[] }>();
  for (const item of perEvent.values()) {
    const audience = { contacts: item.event.kind === 'disruption', cadences: ['immediate' as const] };
    for (const r of recipientsFor(db, item.event, audience)) {
      const k = r.email.toLowerCase();
      const box = inbox.get(k) ?? { recipient: { ...r, reasons: [] }, items: [] };
      for (const reason of r.reasons) {
        if (!box.recipient.reasons.some((x) => x.unit === reason.unit && x.role === reason.role)) box.recipient.reasons.push(reason);
      }
      box.recipient.subscribed ||= r.subscribed;
      box.items.push(item);
      inbox.set(k, box);
    }
  }

  const batch = pending.at(-1)!.id;
  const messages = await Promise.all(
    [...inbox.values()].map(({ recipient, items }) => {
      // Ongoing disruptions first, as the mail shows them, so a cut never drops those.
      const sorted = items.sort((a, b) => urgency(a) - urgency(b) || byImportance(a, b));
      const data: AlertData = {
        template: 'alert',
        to: recipient.email,
        links: recipientLinks(deps, recipient.email),
        reasons: recipient.reasons,
        items: sorted.slice(0, MAX_ALERT_ITEMS),
        ...(sorted.length > MAX_ALERT_ITEMS ? { more: sorted.length - MAX_ALERT_ITEMS } : {}),
      };
      return compose(deps, 'alert', `alert:${recipient.email.toLowerCase()}:${batch}`, data);
    }),
  );
  const at = storedTime(now);
  const ids = pending.map((c) => c.id);
  const enqueued = db
    .transaction(() => {
      // Another process (serve beside a CLI notify) may have handled some of these changes
      // while we rendered: then they are theirs, and what is left waits for the next run.
      // IMMEDIATE takes the write lock first, so nobody can slip in between check and write.
      if (anyHandled(db, ids)) return null;
      markChangesHandled(db, ids, at, messages.length);
      let n = 0;
      for (const m of messages) if (enqueue(db, m).created) n++;
      return n;
    })
    .immediate();
  if (enqueued === null) {
    logger.info({ changes: pending.length }, 'changes already handled by another run; nothing enqueued');
    return { changes: 0, alerts: 0 };
  }
  logger.info({ changes: pending.length, events: perEvent.size, alerts: enqueued }, 'alerts enqueued');
  return { changes: pending.length, alerts: enqueued };
}

const ORDER: Record<ChangeType, number> = { created: 0, reappeared: 1, updated: 2, rescheduled: 3, cancelled: 4, vanished: 5, resolved: 6 };

function urgency(i: AlertItem): number {
  if (i.event.kind !== 'disruption') return i.event.kind === 'maintenance' ? 2 : 3;
  return i.event.status === 'ongoing' && i.change !== 'vanished' ? 0 : 1;
}

function byImportance(a: AlertItem, b: AlertItem): number {
  return ORDER[a.change] - ORDER[b.change] || a.event.id - b.event.id;
}
