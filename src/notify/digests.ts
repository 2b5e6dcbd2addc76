/**
 * Digests: per recipient, one message per slot covering everything since their
 * previous digest. The slot is part of the idempotency key, so a second run in the
 * same slot sends nothing and a manual run between slots counts for the latest slot.
 */
import { KINDS, type DigestCadence, type Kind } from '../domain/types.js';
import type { DigestData, Reason } from '../mail/types.js';
import { listChanges } from '../store/changes.repo.js';
import { lastCoveredTo, recordDigest } from '../store/digests.repo.js';
import { allContacts } from '../store/directory.repo.js';
import { listEvents } from '../store/events.repo.js';
import type { NewMessage } from '../domain/message.js';
import { enqueue, hasMessageKey } from '../store/outbox.repo.js';
import { isSuppressed, listSubscriptions } from '../store/subscriptions.repo.js';
import { compose, recipientLinks, type NotifyDeps } from './compose.js';
import { capDigest, digestContent, isEmpty, snapshot, type Interest } from './digest-content.js';
import { latestSlot, previousSlot } from './slots.js';

export interface DigestRecipient {
  email: string;
  cadence: DigestCadence;
  reasons: Reason[];
  /** Unit ids that make the address a contact. */
  unitIds: string[];
  subscribed: boolean;
  interest: Interest;
}

/**
 * Everyone who gets a digest, one entry per address: contacts (daily, merged with any
 * subscription of theirs) and subscribers on a daily or weekly cadence.
 */
export function digestRecipients(deps: Pick<NotifyDeps, 'db'>): DigestRecipient[] {
  const { db } = deps;
  const out = new Map<string, DigestRecipient>();
  for (const c of allContacts(db)) {
    out.set(c.email.toLowerCase(), {
      email: c.email,
      cadence: 'daily',
      reasons: c.reasons.map((r) => ({ unit: r.unit, role: r.role })),
      unitIds: c.reasons.map((r) => r.unitId),
      subscribed: false,
      interest: { services: c.services === 'all' ? 'all' : new Set(c.services), kinds: new Set(KINDS) },
    });
  }
  for (const s of listSubscriptions(db, { confirmedOnly: true })) {
    const k = s.email.toLowerCase();
    const contact = out.get(k);
    if (contact) {
      // One message covers all of it: the contact's daily digest takes the subscribed services too.
      contact.subscribed = true;
      if (contact.interest.services !== 'all') for (const id of s.services) contact.interest.services.add(id);
      continue;
    }
    if (s.cadence === 'immediate') continue;
    out.set(k, {
      email: s.email,
      cadence: s.cadence,
      reasons: [],
      unitIds: [],
      subscribed: true,
      interest: { services: new Set(s.services), kinds: new Set(s.kinds as Kind[]) },
    });
  }
  return [...out.values()].filter((r) => !isSuppressed(db, r.email));
}

export interface DigestPlanItem {
  recipient: DigestRecipient;
  slot: Date;
  key: string;
  data: DigestData;
  empty: boolean;
  /** Already in the outbox for this slot. */
  done: boolean;
}

export interface DigestFilter {
  /** Only this unit's contacts. */
  unitId?: string;
  /** Only recipients on this cadence (the scheduler's daily and weekly jobs). */
  cadence?: DigestCadence;
}

/** Builds (without sending) the digests of the current slot. */
export function planDigests(deps: NotifyDeps, opts: DigestFilter = {}): DigestPlanItem[] {
  const { db, config, clock } = deps;
  const now = clock.now();
  const recipients = digestRecipients(deps).filter(
    (r) => (!opts.unitId || r.unitIds.includes(opts.unitId)) && (!opts.cadence || r.cadence === opts.cadence),
  );
  const events = listEvents(db);
  const earliest = new Date(now.getTime() - 31 * 86_400_000);
  const snap = snapshot(events, listChanges(db, { since: earliest }));
  return recipients.map((recipient) => {
    const pattern = recipient.cadence === 'daily' ? config.schedules.digest : config.schedules.weeklyDigest;
    const slot = latestSlot(pattern, now);
    const last = lastCoveredTo(db, recipient.email, recipient.cadence);
    const since = last ? new Date(last) : previousSlot(pattern, now);
    const content = digestContent(snap, recipient.interest, since, now);
    const key = `digest:${recipient.email.toLowerCase()}:${recipient.cadence}:${slot.toISOString()}`;
    const data: DigestData = {
      template: 'digest',
      to: recipient.email,
      links: recipientLinks(deps, recipient.email),
      cadence: recipient.cadence,
      since: last ? since.toISOString() : null,
      until: now.toISOString(),
      reasons: recipient.reasons,
      subscribed: recipient.subscribed,
      ...capDigest(content),
    };
    return { recipient, slot, key, data, empty: isEmpty(content), done: hasMessageKey(db, key) };
  });
}

export interface DigestRunResult {
  planned: number;
  enqueued: number;
  empty: number;
  alreadySent: number;
}

/** Enqueues this slot's digests (empty ones only when configured); records what each covered. */
export async function sendDigests(deps: NotifyDeps, opts: DigestFilter = {}): Promise<DigestRunResult> {
  const { db, config, logger } = deps;
  const plan = planDigests(deps, opts);
  const due = plan.filter((p) => !p.done && (!p.empty || config.schedules.sendEmptyDigests));
  const rendered: { item: DigestPlanItem; row: NewMessage }[] = [];
  for (const item of due) rendered.push({ item, row: await compose(deps, 'digest', item.key, item.data) });
  const enqueued = db
    .transaction(() => {
      let n = 0;
      for (const { item, row } of rendered) {
        const { id, created } = enqueue(db, row);
        if (!created) continue;
        // Covered up to the instant its content was read, so the next digest starts exactly there.
        const coveredTo = item.data.until;
        recordDigest(db, {
          email: item.recipient.email,
          cadence: item.recipient.cadence,
          slot: item.slot.toISOString(),
          coveredTo,
          outboxId: id,
        });
        n++;
      }
      return n;
    })
    .immediate();
  const result = {
    planned: plan.length,
    enqueued,
    empty: plan.filter((p) => p.empty).length,
    alreadySent: plan.filter((p) => p.done).length,
  };
  logger.info(result, 'digests enqueued');
  return result;
}
