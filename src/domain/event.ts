/**
 * The central idea: an Event is one item a source lists, as we know it now, and a Change
 * is one recorded step in its history. Every instant here is UTC ISO 8601
 * (2026-11-24T08:30:00.000Z), so instants compare as strings; people see Stockholm time.
 */
import type { ChangeType, Kind, Status } from './types.js';

export interface Event {
  id: number;
  sourceId: string;
  /** Identity within the source: `url:…`, `guid:…` or `content:…` (see sources/identity.ts). */
  key: string;
  kind: Kind;
  status: Status;
  /** Title as published, status prefix included. */
  title: string;
  /** Catalogue ids; unknown names as `unknown:<slug>`. */
  services: string[];
  start: string | null;
  /** Exclusive end, or null when open or unknown. */
  end: string | null;
  url: string | null;
  impact: string | null;
  /** The raw time text as the source wrote it. */
  timeText: string | null;
  details: string | null;
  guid: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  /** Consecutive healthy polls that did not list the item. */
  missingPolls: number;
  vanishedAt: string | null;
}

/** The fields an item carries into its event. */
export type EventFields = Pick<
  Event,
  'key' | 'kind' | 'status' | 'title' | 'services' | 'start' | 'end' | 'url' | 'impact' | 'timeText' | 'details' | 'guid'
>;

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
