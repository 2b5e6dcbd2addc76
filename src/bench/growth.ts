/**
 * Growth: poll, notify and digest time with the history of a busy source stored — 1×, 10×
 * and 100× a base of events (resolved, long gone from the page) and their changes. What
 * a poll, a notify and a digest read should not grow with that history.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { importDirectory } from '../directory/import.js';
import { Catalogue } from '../domain/services.js';
import { createRenderer } from '../mail/render.js';
import { notifyPending } from '../notify/alerts.js';
import { sendDigests } from '../notify/digests.js';
import { refreshSource } from '../sources/refresh.js';
import { insertChange } from '../store/changes.repo.js';
import { openDb, type Db } from '../store/db.js';
import { insertEvent } from '../store/events.repo.js';
import { markChangesHandled } from '../store/notifications.repo.js';
import { upsertSource } from '../store/sources.repo.js';
import { silentLogger } from '../util/logger.js';
import { packagePath } from '../util/paths.js';
import { benchDirectory } from './digests.js';

export interface GrowthRow {
  factor: number;
  events: number;
  changes: number;
  pollMs: number;
  notifyMs: number;
  digestMs: number;
}

/** `events` resolved disruptions over the past year, three changes each, all handled. */
function seedHistory(db: Db, sourceId: string, events: number): number {
  let changes = 0;
  db.transaction(() => {
    const ids: number[] = [];
    for (let i = 0; i < events; i++) {
      const start = new Date(Date.UTC(2025, 10, 24) + i * Math.floor((365 * 86_400_000) / events)).toISOString();
      const at = start;
      const id = insertEvent(
        db,
        sourceId,
        {
          key: `history-${i}`,
          kind: 'disruption',
          status: 'resolved',
          title: `Störning ${i} i 1177 journal`,
          services: ['1177-journal'],
          start,
          end: start,
          url: null,
          impact: 'Invånare kunde inte se journalen.',
          timeText: null,
          details: null,
          guid: null,
        },
        at,
      );
      for (const type of ['created', 'updated', 'resolved'] as const) {
        ids.push(insertChange(db, { eventId: id, runId: null, type, fields: [], at, baseline: false }));
        changes++;
      }
    }
    markChangesHandled(db, ids, '2026-11-24T07:00:00.000Z', 0);
  })();
  return changes;
}

async function measure(factor: number, base: number): Promise<GrowthRow> {
  const dir = mkdtempSync(join(tmpdir(), 'driftkoll-bench-growth-'));
  try {
    const config = loadConfig({ env: { DRIFTKOLL_DB: join(dir, 'g.db') }, cwd: dir });
    const db = openDb(config.databasePath);
    const clock = { now: () => new Date('2026-11-24T09:30:00+01:00') };
    const ctx = { db, config, clock, catalogue: Catalogue.load(), logger: silentLogger(), renderer: createRenderer() };
    const source = config.sources.find((s) => s.id === 'inera-driftstatus')!;
    upsertSource(db, source);
    const changes = seedHistory(db, source.id, base * factor);
    importDirectory(db, benchDirectory(20));
    const page = readFileSync(packagePath('demo', 'pages', 'driftstatus.html'), 'utf8');
    const fetch = async (url: string) => ({
      kind: 'ok' as const,
      url,
      status: 200,
      body: page,
      etag: null,
      lastModified: null,
      contentType: 'text/html',
      charset: 'utf-8',
      bytes: page.length,
      attempts: 1,
    });
    await refreshSource({ ...ctx, fetch }, source); // the page's current items, as stored state
    const changed = page.replace('Störning i 1177 journal</a>', 'Störning i 1177 journal (uppdaterad)</a>');
    let t0 = performance.now();
    await refreshSource({ ...ctx, fetch: async (url) => ({ ...(await fetch(url)), body: changed }) }, source);
    const pollMs = performance.now() - t0;
    t0 = performance.now();
    await notifyPending(ctx);
    const notifyMs = performance.now() - t0;
    clock.now = () => new Date('2026-11-25T07:30:00+01:00');
    t0 = performance.now();
    await sendDigests(ctx);
    const digestMs = performance.now() - t0;
    db.close();
    return { factor, events: base * factor, changes, pollMs, notifyMs, digestMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The three sizes; `base` events at 1×. */
export async function benchGrowth(base: number, factors: number[] = [1, 10, 100]): Promise<GrowthRow[]> {
  const rows: GrowthRow[] = [];
  for (const f of factors) rows.push(await measure(f, base));
  return rows;
}
