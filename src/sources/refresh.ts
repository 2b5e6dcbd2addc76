/**
 * One poll of one source, top to bottom: fetch → parse → key → diff → store.
 * Expected failures come back as a typed result; stored state changes only when a
 * healthy page was read, and then in one transaction.
 */
import type { AppContext } from '../app/context.js';
import type { SourceConfig } from '../config/load.js';
import { describeError, DriftkollError, ParseError } from '../domain/errors.js';
import { diffSource } from '../domain/diff.js';
import type { EventFields } from '../domain/event.js';
import { insertChange } from '../store/changes.repo.js';
import type { Db } from '../store/db.js';
import { insertEvent, listEventsBySource, markEventMissing, updateEventSeen } from '../store/events.repo.js';
import { closeInterruptedRuns, finishRun, startRun, type PollOutcome } from '../store/runs.repo.js';
import { getSource, markSourceFailed, markSourceHealthy, upsertSource } from '../store/sources.repo.js';
import { storedTime } from '../util/time.js';
import { getAdapter } from './adapters/index.js';
import { fetchPage, type FetchResult } from './fetch.js';
import { keyItems } from './identity.js';
import { parsePage, type ParseLimits } from './parse-worker.js';

/** A run still open after this long belongs to a process that died; no poll takes a fraction of it. */
export const INTERRUPTED_AFTER_MS = 15 * 60_000;

/** What a poll uses of the application context, and a test seam for fetching. */
export type RefreshDeps = Pick<AppContext, 'db' | 'config' | 'clock' | 'catalogue' | 'logger'> & {
  fetch?: typeof fetchPage;
  /** Depth and time limits for parsing, and whether to use a worker thread (see parse-worker.ts). */
  parseLimits?: ParseLimits;
};

export interface RefreshResult {
  sourceId: string;
  runId: number;
  outcome: PollOutcome;
  items: number | null;
  changes: number;
  /** True when this poll was the source's silent baseline. */
  baseline: boolean;
  error: string | null;
}

/** Polls one source and records what changed; never throws for fetch or parse failures. */
export async function refreshSource(deps: RefreshDeps, source: SourceConfig): Promise<RefreshResult> {
  const { db, clock, logger } = deps;
  const log = logger.child({ sourceId: source.id });
  const stored = upsertSource(db, source);
  const startedAt = clock.now();
  const interrupted = closeInterruptedRuns(
    db,
    source.id,
    storedTime(new Date(startedAt.getTime() - INTERRUPTED_AFTER_MS)),
    storedTime(startedAt),
  );
  if (interrupted > 0) log.warn({ interrupted }, 'closed poll runs left open by a process that stopped mid-poll');
  const runId = startRun(db, source.id, storedTime(startedAt));
  const fail = (error: unknown, httpStatus: number | null = null): RefreshResult => {
    const reason = describeError(error);
    const at = storedTime(clock.now());
    try {
      db.transaction(() => {
        markSourceFailed(db, source.id, at, reason);
        finishRun(db, runId, { at, outcome: 'failed', httpStatus, error: reason });
      }).immediate();
    } catch (err) {
      // The database itself refuses (full, read-only, locked): the run stays open and is
      // closed as interrupted by a later poll; health then goes by the age of the last success.
      log.error({ runId, err: describeError(err), pollError: reason }, 'poll failed and the failure could not be recorded');
    }
    log.warn({ runId, err: reason }, 'poll failed; stored state left as it was');
    return { sourceId: source.id, runId, outcome: 'failed', items: null, changes: 0, baseline: false, error: reason };
  };

  const adapter = getAdapter(source.adapter);
  if (!adapter) return fail(new ParseError(`unknown adapter "${source.adapter}"`, { hint: 'check the source in the config file' }));

  let page: FetchResult;
  try {
    page = await (deps.fetch ?? fetchPage)(source.url, {
      timeoutMs: deps.config.http.timeoutMs,
      maxBytes: deps.config.http.maxBytes,
      maxRedirects: 5,
      userAgent: deps.config.http.userAgent,
      retries: deps.config.http.retries,
      backoffMs: deps.config.http.backoffMs,
      maxRetryAfterMs: 60_000,
      etag: stored.etag,
      lastModified: stored.lastModified,
    });
  } catch (err) {
    return fail(err, (err as { status?: number }).status ?? null);
  }

  if (page.kind === 'not-modified') {
    const at = storedTime(clock.now());
    db.transaction(() => {
      markSourceHealthy(db, source.id, at, {});
      finishRun(db, runId, { at, outcome: 'not-modified', httpStatus: 304 });
    }).immediate();
    log.info({ runId }, 'not modified since last poll');
    return { sourceId: source.id, runId, outcome: 'not-modified', items: null, changes: 0, baseline: false, error: null };
  }

  if (page.charset === 'utf-8' && page.body.includes('\uFFFD')) {
    // Undecodable bytes would turn into different titles, and a false "new" and "gone" pair.
    return fail(
      new ParseError('the page is not valid UTF-8 and declares no other charset', {
        hint: 'the server should declare the charset it uses (Content-Type or <meta charset>)',
      }),
      page.status,
    );
  }
  let parsed: Awaited<ReturnType<typeof adapter.parse>>;
  try {
    parsed = await parsePage(
      { adapter: adapter.name, body: page.body, url: page.url, now: clock.now().toISOString(), options: source },
      deps.catalogue,
      deps.parseLimits,
    );
  } catch (err) {
    return fail(err, page.status);
  }
  if (parsed.items.length === 0 && !parsed.saysEmpty) {
    return fail(
      new ParseError('the page has no recognisable items and no "nothing to report" text', {
        hint: 'the page structure may have changed or render client-side; check the source selectors',
      }),
      page.status,
    );
  }
  for (const w of parsed.warnings) log.warn({ runId, warning: w }, 'item skipped');

  const items = keyItems(parsed.items, source).map((k) => k.fields);
  const unknown = [...new Set(parsed.items.flatMap((i) => i.unknownServices))].sort();
  const at = storedTime(clock.now());
  const baseline = getSource(db, source.id)?.baselineAt == null;
  const skipped = parsed.skipped ?? 0;
  // An entry that was there but could not be read may be any stored event: none counts as gone.
  const warnings = skipped
    ? [...parsed.warnings, `${skipped} entries could not be read; no event counted as missing in this poll`]
    : parsed.warnings;
  let changes: number;
  try {
    changes = db
      .transaction(() => {
        const n = applyDiff(db, source.id, items, {
          at,
          runId,
          baseline,
          vanishAfter: deps.config.polling.vanishAfter,
          holdMissing: skipped > 0,
        });
        markSourceHealthy(db, source.id, at, {
          etag: page.etag,
          lastModified: page.lastModified,
          itemsFound: items.length,
          unknownServices: unknown,
          warnings,
        });
        finishRun(db, runId, { at, outcome: n > 0 ? 'changed' : 'unchanged', httpStatus: page.status, items: items.length, changes: n });
        return n;
      })
      .immediate();
  } catch (err) {
    return fail(new DriftkollError('the poll could not be stored', { cause: err, hint: 'check the database file and free disk space' }));
  }
  log.info(
    { runId, items: items.length, changes, baseline, unknownServices: unknown.length ? unknown : undefined },
    baseline ? 'baseline recorded' : 'poll finished',
  );
  return {
    sourceId: source.id,
    runId,
    outcome: changes > 0 ? 'changed' : 'unchanged',
    items: items.length,
    changes,
    baseline,
    error: null,
  };
}

/** Writes the diff of one healthy poll; returns how many changes it recorded. Call inside a transaction. */
function applyDiff(
  db: Db,
  sourceId: string,
  items: EventFields[],
  ctx: { at: string; runId: number; baseline: boolean; vanishAfter: number; holdMissing: boolean },
): number {
  const plan = diffSource(listEventsBySource(db, sourceId), items, { vanishAfter: ctx.vanishAfter });
  const base = { runId: ctx.runId, at: ctx.at, baseline: ctx.baseline };
  let count = 0;
  for (const fields of plan.creates) {
    const eventId = insertEvent(db, sourceId, fields, ctx.at);
    insertChange(db, { ...base, eventId, type: 'created', fields: [], after: { ...fields } });
    count++;
  }
  for (const u of plan.updates) {
    updateEventSeen(db, u.event.id, u.fields, ctx.at);
    if (!u.change) continue;
    insertChange(db, { ...base, eventId: u.event.id, ...u.change });
    count++;
  }
  for (const m of ctx.holdMissing ? [] : plan.missing) {
    markEventMissing(db, m.event.id, m.missingPolls, m.vanishes ? ctx.at : null);
    if (!m.vanishes) continue;
    insertChange(db, { ...base, eventId: m.event.id, type: 'vanished', fields: [], before: { status: m.event.status } });
    count++;
  }
  return count;
}
