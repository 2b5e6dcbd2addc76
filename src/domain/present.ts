/** The JSON shapes of the contract (DESIGN.md): events, changes. Times carry the Stockholm offset. */
import type { ChangeRow } from '../store/changes.repo.js';
import type { EventRow } from '../store/events.repo.js';
import { localIso } from '../util/time.js';

export function eventJson(e: EventRow) {
  return {
    id: e.id,
    key: e.key,
    source: e.sourceId,
    kind: e.kind,
    status: e.status,
    title: e.title,
    services: e.services,
    start: e.start,
    end: e.end,
    url: e.url,
    impact: e.impact,
    timeText: e.timeText,
    listed: e.vanishedAt === null,
    firstSeen: localIso(e.firstSeenAt),
    lastSeen: localIso(e.lastSeenAt),
    vanishedAt: localIso(e.vanishedAt),
  };
}

export function changeJson(c: ChangeRow) {
  return {
    id: c.id,
    eventId: c.eventId,
    type: c.type,
    fields: c.fields,
    at: localIso(c.at),
    runId: c.runId,
    baseline: c.baseline,
    before: c.before,
    after: c.after,
  };
}
