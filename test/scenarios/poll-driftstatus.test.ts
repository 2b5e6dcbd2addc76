/**
 * A loopback server plays a sequence of driftstatus pages to real polls on a real
 * SQLite file; each step asserts exactly which changes were recorded.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listChanges } from '../../src/store/changes.repo.js';
import { listEvents } from '../../src/store/events.repo.js';
import { getSource } from '../../src/store/sources.repo.js';
import { refreshSource } from '../../src/sources/refresh.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { startPageServer, type PageServer } from '../helpers/page-server.js';
import { chromeOnlyPage, statusPage, type PageItem } from '../helpers/pages.js';

const journal: PageItem = {
  href: '/driftstatus/pagaende/storning-i-1177-journal/',
  badge: 'Pågående störning',
  title: 'Störning i 1177 journal',
  services: ['1177 journal'],
  start: '24 november 2026 kl. 08.40',
  end: 'Prognos saknas',
  impact: 'Invånare kan inte se nya journalanteckningar.',
};
const siths: PageItem = {
  href: '/driftstatus/pagaende/siths/',
  badge: 'Pågående störning',
  title: 'Svårt att logga in med SITHS eID',
  services: ['SITHS', 'NPÖ'],
  start: '2026-11-24 kl. 07:55',
  end: '2026-11-24 kl. 12.00',
};
const inkorg: PageItem = {
  href: '/driftstatus/pagaende/inkorg/',
  badge: 'Pågående störning',
  title: 'Meddelanden i 1177 inkorg fördröjs',
  services: ['1177 inkorg'],
  start: '24 november 2026 kl. 09.50',
};

describe('polling driftstatus through a sequence of page states', () => {
  let server: PageServer;
  let app: TestApp;
  const page = (...items: PageItem[]) => statusPage('Driftstatus', items);

  beforeEach(async () => {
    server = await startPageServer();
    app = createTestApp({
      sources: [{ id: 'drift', adapter: 'inera-driftstatus', url: server.url('/driftstatus/') }],
      http: { timeout: '400ms', retries: 1, backoff: '20ms' },
    });
  });
  afterEach(async () => {
    app.close();
    await server.close();
  });

  const poll = async () => {
    app.clock.advance(5 * 60_000);
    return refreshSource({ ...app, fetch: undefined }, app.config.sources[0]!);
  };
  const changesOf = (runId: number) =>
    listChanges(app.db, { runId }).map((c) => ({ type: c.type, fields: c.fields, baseline: c.baseline }));
  const serve = (body: string, extra: Partial<Parameters<PageServer['set']>[0]> = {}) => server.set({ body, ...extra });

  it('records a silent baseline, then new, updated, resolved, vanished and reappeared, and nothing on faults', async () => {
    serve(page(journal, siths));
    let r = await poll();
    expect(r).toMatchObject({ outcome: 'changed', items: 2, changes: 2, baseline: true });
    expect(changesOf(r.runId)).toEqual([
      { type: 'created', fields: [], baseline: true },
      { type: 'created', fields: [], baseline: true },
    ]);

    // Unchanged page: nothing recorded.
    r = await poll();
    expect(r).toMatchObject({ outcome: 'unchanged', changes: 0, baseline: false });

    // A new item.
    serve(page(journal, siths, inkorg));
    r = await poll();
    expect(changesOf(r.runId)).toEqual([{ type: 'created', fields: [], baseline: false }]);

    // A title edit on the same item (same link) is an update, not a new event.
    serve(page({ ...journal, title: 'Störning i 1177 journal: nya anteckningar syns inte' }, siths, inkorg));
    r = await poll();
    expect(changesOf(r.runId)).toEqual([{ type: 'updated', fields: ['title'], baseline: false }]);

    // A status prefix is an update too.
    serve(page({ ...journal, title: 'Uppdatering: Störning i 1177 journal' }, siths, inkorg));
    r = await poll();
    expect(changesOf(r.runId)).toEqual([{ type: 'updated', fields: ['title'], baseline: false }]);

    // A new forecast.
    serve(page({ ...journal, title: 'Uppdatering: Störning i 1177 journal', end: '2026-11-24 kl. 15.00' }, siths, inkorg));
    r = await poll();
    expect(changesOf(r.runId)).toEqual([{ type: 'updated', fields: ['end'], baseline: false }]);

    // Faults between states change nothing and mark the source unhealthy.
    const eventsBefore = JSON.stringify(listEvents(app.db));
    const faults: Parameters<PageServer['set']>[0][] = [
      { status: 500, body: 'Internal error' },
      { status: 503, headers: { 'retry-after': '0' }, body: 'busy' },
      { body: page(journal), delayMs: 800 },
      { body: page(journal, siths), truncateAt: 400 },
      { body: page(journal, siths, inkorg).slice(0, -120) }, // cut short yet served complete: no </body>, no </html>
      { body: chromeOnlyPage('Driftstatus') },
    ];
    for (const fault of faults) {
      server.set(fault);
      r = await poll();
      expect(r.outcome, JSON.stringify(fault).slice(0, 80)).toBe('failed');
      expect(r.changes).toBe(0);
      expect(listChanges(app.db, { runId: r.runId })).toEqual([]);
    }
    expect(JSON.stringify(listEvents(app.db))).toBe(eventsBefore);
    expect(getSource(app.db, 'drift')).toMatchObject({ consecutiveFailures: faults.length });
    expect(getSource(app.db, 'drift')!.lastError).toMatch(/recognisable items/);

    // Resolved: badge, prefix and end time together are one resolved change.
    const resolvedJournal = { ...journal, badge: 'Åtgärdad', title: 'Åtgärdat: Störning i 1177 journal', end: '2026-11-24 kl. 11.10' };
    serve(page(resolvedJournal, siths, inkorg));
    r = await poll();
    expect(changesOf(r.runId)).toEqual([{ type: 'resolved', fields: ['title', 'status', 'end'], baseline: false }]);
    expect(getSource(app.db, 'drift')).toMatchObject({ consecutiveFailures: 0 });

    // inkorg is no longer listed: vanished only after three healthy polls, faults not counted.
    serve(page(resolvedJournal, siths));
    r = await poll();
    expect(r.changes).toBe(0);
    server.set({ status: 500 });
    r = await poll();
    expect(r.outcome).toBe('failed');
    serve(page(resolvedJournal, siths));
    r = await poll();
    expect(r.changes).toBe(0);
    r = await poll();
    expect(changesOf(r.runId)).toEqual([{ type: 'vanished', fields: [], baseline: false }]);
    r = await poll();
    expect(r.changes).toBe(0);

    // It comes back.
    serve(page(resolvedJournal, siths, inkorg));
    r = await poll();
    expect(changesOf(r.runId)).toEqual([{ type: 'reappeared', fields: [], baseline: false }]);

    const events = listEvents(app.db);
    expect(events).toHaveLength(3);
    expect(events.map((e) => e.status).sort()).toEqual(['ongoing', 'ongoing', 'resolved']);
  });

  it('uses conditional GET and records nothing on 304', async () => {
    server.set((req) => (req.headers['if-none-match'] === '"v1"' ? { status: 304 } : { body: page(journal), headers: { etag: '"v1"' } }));
    let r = await poll();
    expect(r.outcome).toBe('changed');
    r = await poll();
    expect(r.outcome).toBe('not-modified');
    expect(r.changes).toBe(0);
    expect(server.requests.at(-1)!.headers['if-none-match']).toBe('"v1"');
    expect(app.db.prepare('SELECT outcome FROM poll_runs ORDER BY id DESC').pluck().all() as string[]).toEqual(['not-modified', 'changed']);
  });

  it('treats an explicit "no disruptions" page as healthy and counts items towards vanishing', async () => {
    serve(page(journal));
    await poll();
    serve(page());
    for (let i = 0; i < 2; i++) expect((await poll()).changes).toBe(0);
    const r = await poll();
    expect(r.outcome).toBe('changed');
    expect(changesOf(r.runId)).toEqual([{ type: 'vanished', fields: [], baseline: false }]);
  });

  it('reads a Latin-1 page (charset from the header or from the meta tag) without mojibake', async () => {
    const latin1 = page(journal).replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">');
    server.set({ body: Buffer.from(latin1, 'latin1'), headers: { 'content-type': 'text/html' } });
    let r = await poll();
    expect(r.outcome).toBe('changed');
    expect(listEvents(app.db)[0]).toMatchObject({ title: 'Störning i 1177 journal', services: ['1177-journal'], impact: journal.impact });
    server.set({ body: Buffer.from(page(journal), 'latin1'), headers: { 'content-type': 'text/html; charset=ISO-8859-1' } });
    r = await poll();
    expect(r).toMatchObject({ outcome: 'unchanged', changes: 0 });
  });

  it('stamps every recorded time with the injected clock', async () => {
    app.clock.set('2026-11-24T10:00:00+01:00');
    serve(page(journal));
    const r = await refreshSource(app, app.config.sources[0]!);
    const [change] = listChanges(app.db, { runId: r.runId });
    expect(change!.at).toBe('2026-11-24T09:00:00.000Z');
    expect(listEvents(app.db)[0]!.firstSeenAt).toBe('2026-11-24T09:00:00.000Z');
  });
});
