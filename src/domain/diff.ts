/**
 * Pure diff of one source's freshly parsed items against its stored events: which
 * events to create, which to update (with the change to record) and which are missing.
 */
import { localDay } from '../util/time.js';
import type { Event, EventFields } from './event.js';
import type { ChangeType } from './types.js';

/** Fields whose change is worth a recorded change; the rest (raw time text, details) are refreshed silently. */
export const TRACKED_FIELDS = ['title', 'status', 'kind', 'services', 'start', 'end', 'impact', 'url'] as const;
type Tracked = (typeof TRACKED_FIELDS)[number];

export interface PlannedChange {
  type: ChangeType;
  fields: Tracked[];
  before: Partial<Record<Tracked, unknown>>;
  after: Partial<Record<Tracked, unknown>>;
}

export interface DiffPlan {
  creates: EventFields[];
  updates: { event: Event; fields: EventFields; change: PlannedChange | null }[];
  missing: { event: Event; missingPolls: number; vanishes: boolean }[];
}

/**
 * Matches items to events by key, then (for items whose key changed: a retitled or
 * rescheduled item without a stable link) by a soft match on kind, services and
 * start day or title. Items missing from a healthy poll count towards vanishing.
 */
export function diffSource(stored: Event[], items: EventFields[], opts: { vanishAfter: number }): DiffPlan {
  const byKey = new Map(stored.map((e) => [e.key, e]));
  const matched = new Set<number>();
  const plan: DiffPlan = { creates: [], updates: [], missing: [] };
  const unmatchedItems: EventFields[] = [];

  for (const item of items) {
    const event = byKey.get(item.key);
    if (event && !matched.has(event.id)) {
      matched.add(event.id);
      plan.updates.push({ event, fields: item, change: compare(event, item) });
    } else {
      unmatchedItems.push(item);
    }
  }
  for (const item of unmatchedItems) {
    const event = stored.find((e) => !matched.has(e.id) && listedLastTime(e) && softMatch(e, item));
    if (event) {
      matched.add(event.id);
      plan.updates.push({ event, fields: item, change: compare(event, item) });
    } else {
      plan.creates.push(item);
    }
  }
  for (const event of stored) {
    if (matched.has(event.id) || event.vanishedAt) continue;
    const missingPolls = event.missingPolls + 1;
    plan.missing.push({ event, missingPolls, vanishes: missingPolls >= opts.vanishAfter });
  }
  return plan;
}

/** The change between an event's stored state and the item now listed, or null when nothing tracked changed. */
export function compare(event: Event, item: EventFields): PlannedChange | null {
  const fields = TRACKED_FIELDS.filter((f) => !sameValue(event[f], item[f]));
  const reappeared = event.vanishedAt !== null;
  if (fields.length === 0 && !reappeared) return null;
  const before: PlannedChange['before'] = {};
  const after: PlannedChange['after'] = {};
  for (const f of fields) {
    before[f] = event[f];
    after[f] = item[f];
  }
  return { type: changeType(event, item, fields, reappeared), fields, before, after };
}

function changeType(event: Event, item: EventFields, fields: Tracked[], reappeared: boolean): ChangeType {
  if (fields.includes('status') && item.status === 'resolved') return 'resolved';
  if (fields.includes('status') && item.status === 'cancelled') return 'cancelled';
  if (reappeared) return 'reappeared';
  const timesMoved = fields.includes('start') || fields.includes('end');
  if (timesMoved && item.kind !== 'disruption' && item.status === 'planned' && event.start !== null) return 'rescheduled';
  return 'updated';
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
  if (typeof a === 'string' && typeof b === 'string' && looksLikeTime(a) && looksLikeTime(b)) return Date.parse(a) === Date.parse(b);
  return (a ?? null) === (b ?? null);
}

function looksLikeTime(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T/.test(s);
}

/**
 * For items identified by content only: same kind and services, and the same start
 * day or a clearly similar title. A link or trusted GUID is the identity itself, so a
 * new one is a new item.
 */
function softMatch(event: Event, item: EventFields): boolean {
  if (!item.key.startsWith('content:') || !event.key.startsWith('content:')) return false;
  if (event.kind !== item.kind || !sameValue(event.services, item.services)) return false;
  // A finished event does not come back as a new, open one: that is a new item.
  if (FINISHED.has(event.status) && !FINISHED.has(item.status)) return false;
  const sameDay = event.start !== null && item.start !== null && localDay(event.start) === localDay(item.start);
  return sameDay || titleSimilarity(event.title, item.title) >= 0.5;
}

const FINISHED = new Set(['resolved', 'cancelled']);

/**
 * Only an event listed by the previous healthy poll can have been edited into the new
 * item; one already missing or vanished is history, and a look-alike is a new event.
 */
function listedLastTime(event: Event): boolean {
  return event.vanishedAt === null && event.missingPolls === 0;
}

/** Jaccard similarity of the titles' word sets, status prefixes and case ignored. */
export function titleSimilarity(a: string, b: string): number {
  const words = (s: string) =>
    new Set(
      s
        .toLowerCase()
        .replace(/^[^:]{1,25}:\s*/, '')
        .split(/[^\p{L}\p{N}]+/u)
        .filter((w) => w.length > 1),
    );
  const wa = words(a);
  const wb = words(b);
  if (wa.size === 0 && wb.size === 0) return 1;
  let common = 0;
  for (const w of wa) if (wb.has(w)) common++;
  return common / (wa.size + wb.size - common);
}
