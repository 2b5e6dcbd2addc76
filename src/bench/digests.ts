/** Benchmark: rendering and enqueuing 1,000 digests, then sending them to a loopback SMTP server. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drainOutbox } from '../mail/drain.js';
import { loadConfig } from '../config/load.js';
import { importDirectory } from '../directory/import.js';
import { Catalogue } from '../domain/services.js';
import { createRenderer } from '../mail/render.js';
import { sendDigests } from '../notify/digests.js';
import { refreshSource } from '../sources/refresh.js';
import { openDb } from '../store/db.js';
import { silentLogger } from '../util/logger.js';
import { packagePath } from '../util/paths.js';
import type { Timing } from './parse.js';
import { startSmtpSink } from './smtp-sink.js';

/** `n` contacts following every service, three sample pages polled, then one digest slot. */
export async function benchDigests(n: number): Promise<Timing[]> {
  const dir = mkdtempSync(join(tmpdir(), 'driftkoll-bench-'));
  const smtp = await startSmtpSink();
  try {
    const config = loadConfig({ env: { DRIFTKOLL_DB: join(dir, 'bench.db'), SMTP_URL: smtp.url }, cwd: dir });
    const db = openDb(config.databasePath);
    const clock = { now: () => new Date('2026-11-24T09:30:00+01:00') };
    const ctx = { db, config, clock, catalogue: Catalogue.load(), logger: silentLogger() };
    for (const [id, file] of [
      ['inera-driftstatus', 'driftstatus.html'],
      ['inera-kommande-atgarder', 'kommande-atgarder.html'],
      ['inera-planeringskalendern', 'planeringskalendern.html'],
    ] as const) {
      const body = readFileSync(packagePath('demo', 'pages', file), 'utf8');
      const source = config.sources.find((s) => s.id === id)!;
      await refreshSource(
        {
          ...ctx,
          fetch: async (url) => ({
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
          }),
        },
        source,
      );
    }
    importDirectory(db, {
      region: 'Bench',
      timezone: 'Europe/Stockholm',
      administrations: Array.from({ length: n }, (_, i) => ({
        id: `unit-${i}`,
        name: `Förvaltning ${i}`,
        contacts: [{ role: 'Kontaktperson', email: `person${i}@bench.example` }],
        services: 'all' as const,
      })),
      objects: [],
    } as Parameters<typeof importDirectory>[1]);
    const deps = { ...ctx, renderer: createRenderer() };
    clock.now = () => new Date('2026-11-25T07:30:00+01:00');
    const mem0 = process.memoryUsage().rss;
    let t0 = performance.now();
    const r = await sendDigests(deps);
    const renderMs = performance.now() - t0;
    const mem1 = process.memoryUsage().rss;
    t0 = performance.now();
    const sent = await drainOutbox(ctx);
    const sendMs = performance.now() - t0;
    db.close();
    return [
      { name: `render + enqueue ${r.enqueued} digests`, ms: renderMs, detail: `RSS +${((mem1 - mem0) / 1048576).toFixed(0)} MiB` },
      { name: `send ${sent.sent} digests over SMTP (loopback, pooled)`, ms: sendMs, detail: `${smtp.received()} received by the server` },
    ];
  } finally {
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
