/** Shared words and shapes of the pipeline: kinds, statuses, cadences, and what adapters emit. */

export const KINDS = ['disruption', 'maintenance', 'release'] as const;
export type Kind = (typeof KINDS)[number];

export const STATUSES = ['ongoing', 'resolved', 'planned', 'cancelled'] as const;
export type Status = (typeof STATUSES)[number];

export const CHANGE_TYPES = ['created', 'updated', 'resolved', 'cancelled', 'rescheduled', 'vanished', 'reappeared'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

/**
 * One item as a parser read it: already normalised (kind, status, catalogue service
 * ids, ISO times) but without its identity key, which depends on the source's trust.
 */
export interface ParsedItem {
  kind: Kind;
  status: Status;
  /** Title as published, status prefix included. */
  title: string;
  /** Catalogue ids; unknown names as `unknown:<slug>`. */
  services: string[];
  /** ISO 8601 with offset, or null when not given or unreadable. */
  start: string | null;
  end: string | null;
  /** Absolute detail link, or null. */
  url: string | null;
  impact: string | null;
  /** The raw time text when some time was given, kept for display and for what could not be read. */
  timeText: string | null;
  /** Raw names that matched no catalogue entry. */
  unknownServices: string[];
  /** RSS/Atom GUID when the source has one. */
  guid: string | null;
  /** Free text from the page ("Senast uppdaterad …", body paragraphs), for display only. */
  details: string | null;
}

/** What a parser returns: items, plus whether the page explicitly said "nothing to report". */
export interface ParseResult {
  items: ParsedItem[];
  /** True when the page carries an explicit empty-state text ("Just nu finns inga pågående störningar"). */
  saysEmpty: boolean;
  /** Items that were dropped, with why; never fatal on their own. */
  warnings: string[];
  /**
   * Entries that were on the page but could not be read (the adapter threw on them).
   * While any are, no event of the source counts as missing: the unreadable one may be it.
   */
  skipped?: number;
}

export const CADENCES = ['immediate', 'daily', 'weekly'] as const;
/** How often a subscriber hears: an alert per change, or a daily or weekly digest. */
export type Cadence = (typeof CADENCES)[number];
/** The cadences that get a digest. */
export type DigestCadence = Exclude<Cadence, 'immediate'>;

/** `'all'`, or the catalogue ids a unit or subscriber follows. */
export type ServiceSelection = 'all' | string[];
