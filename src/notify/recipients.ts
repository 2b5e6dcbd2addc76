/**
 * Routing: who hears about an event. Contacts of every unit whose services include one
 * of the event's services, and the subscribers of those services; one entry per
 * address (case-insensitive), suppressed addresses left out.
 */
import type { Cadence, Kind } from '../domain/types.js';
import type { Reason } from '../mail/types.js';
import type { Db } from '../store/db.js';
import { contactsForServices } from '../store/directory.repo.js';
import { isSuppressed, subscribersFor } from '../store/subscriptions.repo.js';

export interface Recipient {
  email: string;
  reasons: Reason[];
  subscribed: boolean;
}

/** Builds recipients for an event from the chosen audiences. */
export function recipientsFor(
  db: Db,
  event: { services: string[]; kind: Kind },
  audience: { contacts: boolean; cadences: Cadence[] },
): Recipient[] {
  const byEmail = new Map<string, Recipient>();
  const entry = (email: string) => {
    const k = email.toLowerCase();
    let r = byEmail.get(k);
    if (!r) byEmail.set(k, (r = { email, reasons: [], subscribed: false }));
    return r;
  };
  if (audience.contacts) {
    for (const c of contactsForServices(db, event.services)) {
      const r = entry(c.email);
      if (!r.reasons.some((x) => x.unit === c.unit && x.role === c.role)) r.reasons.push({ unit: c.unit, role: c.role });
    }
  }
  if (audience.cadences.length) {
    for (const s of subscribersFor(db, event.services, event.kind)) {
      if (audience.cadences.includes(s.cadence)) entry(s.email).subscribed = true;
    }
  }
  return [...byEmail.values()].filter((r) => !isSuppressed(db, r.email));
}
