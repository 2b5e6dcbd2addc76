/**
 * Benchmark: notify's peak memory and alert sizes when one poll brings 5,000 changes (the
 * hostile trial saw 12 alerts of 2.6 MB each and a 437 MB peak before alerts were capped).
 * Run alone, so the peak is notify's: `node dist/bench/notify-memory.js [changes]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { importDirectory, readDirectoryFile } from '../directory/import.js';
import { Catalogue } from '../domain/services.js';
import { createRenderer } from '../mail/render.js';
import { notifyPending } from '../notify/alerts.js';
import type { FetchResult } from '../sources/fetch.js';
import { refreshSource } from '../sources/refresh.js';
import { openDb } from '../store/db.js';
import { silentLogger } from '../util/logger.js';
import { packagePath } from '../util/paths.js';

function statusPage(n: number): string {
  const items = Array.from(
    { length: n },
    (_, i) => `<article class="status-item"><span class="status-badge">Pågående</span><h3>Störning ${i + 1} i 1177 journal</h3>
      <dl><dt>Tjänst</dt><dd>1177 journal</dd><dt>Start</dt><dd>24 november 2026 kl. 08.15</dd>
      <dt>Påverkan</dt><dd>Invånare kan inte logga in och se sina journalanteckningar.</dd></dl></article>`,
  );
  const body = n ? items.join('\n') : '<p>Just nu finns inga pågående störningar.</p>';
  return `<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Driftstatus</title></head><body><main id="main-content"><h1>Driftstatus</h1><section>${body}</section></main></body></html>`;
}

const page =
  (body: string) =>
  async (url: string): Promise<FetchResult> => ({
    kind: 'ok',
    url,
    status: 200,
    body,
    etag: null,
    lastModified: null,
    contentType: 'text/html',
    charset: 'utf-8',
    bytes: body.length,
    attempts: 1,
  });

/** Polls an empty page (baseline), then one with `n` disruptions, then runs notify once. */
export async function benchNotifyMemory(n: number) {
  const dir = mkdtempSync(join(tmpdir(), 'driftkoll-bench-'));
  try {
    const config = loadConfig({ env: { DRIFTKOLL_DB: join(dir, 'bench.db') }, cwd: dir });
    const db = openDb(config.databasePath);
    const catalogue = Catalogue.load();
    const clock = { now: () => new Date('2026-11-24T09:30:00+01:00') };
    const ctx = { db, config, clock, catalogue, logger: silentLogger() };
    importDirectory(db, readDirectoryFile(packagePath('defaults', 'region-uppsala.yaml'), catalogue));
    const source = config.sources.find((s) => s.id === 'inera-driftstatus')!;
    await refreshSource({ ...ctx, fetch: page(statusPage(0)) }, source);
    await refreshSource({ ...ctx, fetch: page(statusPage(n)) }, source);
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const result = await notifyPending({ ...ctx, renderer: createRenderer() });
    const ms = performance.now() - started;
    const sizes = (db.prepare('SELECT length(html) + length(text) AS bytes FROM outbox').all() as { bytes: number }[]).map((r) => r.bytes);
    db.close();
    return {
      changes: result.changes,
      alerts: result.alerts,
      largestAlertBytes: Math.max(0, ...sizes),
      totalBytes: sizes.reduce((a, b) => a + b, 0),
      notifyMs: Math.round(ms),
      rssBeforeNotifyMiB: Math.round(rssBefore / 2 ** 20),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('notify-memory.js')) {
  console.log(JSON.stringify(await benchNotifyMemory(Number(process.argv[2] ?? 5000))));
}
