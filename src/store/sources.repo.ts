/** SQL for the sources table: health, conditional-GET validators and the baseline mark. */
import type { SourceState } from '../domain/source-state.js';
import type { Db } from './db.js';

const SELECT = `SELECT id, adapter, url, etag, last_modified AS lastModified, baseline_at AS baselineAt,
  last_poll_at AS lastPollAt, last_success_at AS lastSuccessAt, last_failure_at AS lastFailureAt,
  last_error AS lastError, consecutive_failures AS consecutiveFailures, items_found AS itemsFound,
  unknown_services AS unknownServices, warnings FROM sources`;

function fromRow(row: Record<string, unknown> | undefined): SourceState | undefined {
  if (!row) return undefined;
  return {
    ...(row as unknown as SourceState),
    unknownServices: JSON.parse(row.unknownServices as string) as string[],
    warnings: JSON.parse(row.warnings as string) as string[],
  };
}

/** Inserts the source if new; a changed URL or adapter resets the conditional-GET validators. */
export function upsertSource(db: Db, s: { id: string; adapter: string; url: string }): SourceState {
  db.prepare(
    `INSERT INTO sources (id, adapter, url) VALUES (@id, @adapter, @url)
     ON CONFLICT(id) DO UPDATE SET
       etag = CASE WHEN sources.url = excluded.url AND sources.adapter = excluded.adapter THEN sources.etag END,
       last_modified = CASE WHEN sources.url = excluded.url AND sources.adapter = excluded.adapter THEN sources.last_modified END,
       adapter = excluded.adapter, url = excluded.url`,
  ).run(s);
  return getSource(db, s.id)!;
}

export function getSource(db: Db, id: string): SourceState | undefined {
  return fromRow(db.prepare(`${SELECT} WHERE id = ?`).get(id) as Record<string, unknown> | undefined);
}

export function listSources(db: Db): SourceState[] {
  return (db.prepare(`${SELECT} ORDER BY id`).all() as Record<string, unknown>[]).map((r) => fromRow(r)!);
}

/** Records a healthy poll: validators, counts, unknown names; sets the baseline mark on the first. */
export function markSourceHealthy(
  db: Db,
  id: string,
  at: string,
  info: { etag?: string | null; lastModified?: string | null; itemsFound?: number; unknownServices?: string[]; warnings?: string[] },
): void {
  db.prepare(
    `UPDATE sources SET last_poll_at = @at, last_success_at = @at, consecutive_failures = 0,
       baseline_at = COALESCE(baseline_at, @at),
       etag = CASE WHEN @setValidators THEN @etag ELSE etag END,
       last_modified = CASE WHEN @setValidators THEN @lastModified ELSE last_modified END,
       items_found = COALESCE(@itemsFound, items_found),
       unknown_services = COALESCE(@unknown, unknown_services),
       warnings = COALESCE(@warnings, warnings)
     WHERE id = @id`,
  ).run({
    id,
    at,
    setValidators: info.etag !== undefined || info.lastModified !== undefined ? 1 : 0,
    etag: info.etag ?? null,
    lastModified: info.lastModified ?? null,
    itemsFound: info.itemsFound ?? null,
    unknown: info.unknownServices ? JSON.stringify(info.unknownServices) : null,
    warnings: info.warnings ? JSON.stringify(info.warnings) : null,
  });
}

/** Records a failed poll; nothing else about the source changes. */
export function markSourceFailed(db: Db, id: string, at: string, error: string): void {
  db.prepare(
    `UPDATE sources SET last_poll_at = @at, last_failure_at = @at, last_error = @error,
       consecutive_failures = consecutive_failures + 1 WHERE id = @id`,
  ).run({ id, at, error });
}
