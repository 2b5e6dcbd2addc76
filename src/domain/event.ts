/**
 * The central idea: an Event is one item a source lists, as we know it now, and a Change
 * is one recorded step in its history. Every instant here is UTC ISO 8601
 * (2026-11-24T08:30:00.000Z), so instants compare as strings; people see Stockholm time.
 */
import type { ChangeType, ParsedItem } from './types.js';

/**
 * The fields an item carries into its event: what the parser read (times now in their
 * stored UTC form) with the key that identifies it within its source.
 */
export type EventFields = Omit<ParsedItem, 'unknownServices'> & {
  /** Identity within the source: `url:…`, `guid:…` or `content:…` (see sources/identity.ts). */
  key: string;
};

export interface Event extends EventFields {
  id: number;
  sourceId: string;
  firstSeenAt: string;
  lastSeenAt: string;
  /** Consecutive healthy polls that did not list the item. */
  missingPolls: number;
  vanishedAt: string | null;
}

/** One step in an event's history. `before`/`after` hold the changed fields' values. */
export interface Change {
  id: number;
  eventId: number;
  runId: number | null;
  type: ChangeType;
  fields: string[];
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  at: string;
  /** Recorded by a source's first poll: stored, never announced. */
  baseline: boolean;
}

/** A change to record; the store gives it its id. */
export type NewChange = Omit<Change, 'id' | 'before' | 'after'> & {
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
};
