/** Service windows (rescheduled, cancelled) and the EHM feed whose GUIDs change on every fetch. */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listChanges } from '../../src/store/changes.repo.js';
import { listEvents } from '../../src/store/events.repo.js';
import { refreshSource } from '../../src/sources/refresh.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { startPageServer, type PageServer } from '../helpers/page-server.js';
import { statusPage, type PageItem } from '../helpers/pages.js';

const shared = (p: string) => new URL(`../fixtures/${p}`, import.meta.url);

describe('service windows on kommande åtgärder', () => {
  let server: PageServer;
  let app: TestApp;
  const window: PageItem = {
    href: '/driftstatus/kommande-atgarder/servicefonster-ntjp/',
    badge: 'Planerad åtgärd',
    title: 'Servicefönster i Nationella tjänsteplattformen',
    services: ['NTjP'],
    time: 'Natten mot torsdag 3 december 2026, kl. 22:00–02:00',
  };
  const noLink: PageItem = {
    badge: 'Planerad åtgärd',
    title: 'Uppgradering av 1177 inkorg',
    services: ['1177 Inkorg'],
    time: '2026-12-08 kl. 06.00–07.30',
  };

  beforeEach(async () => {
    server = await startPageServer();
    app = createTestApp({ sources: [{ id: 'windows', adapter: 'inera-kommande-atgarder', url: server.url('/k/') }] });
  });
  afterEach(async () => {
    app.close();
    await server.close();
  });
  const poll = () => refreshSource(app, app.config.sources[0]!);
  const types = (runId: number) => listChanges(app.db, { runId }).map((c) => [c.type, c.fields.join(',')]);
  const page = (...items: PageItem[]) => statusPage('Kommande åtgärder', items, 'Det finns inga kommande åtgärder.');

  it('records rescheduled and cancelled windows, also for items without a link', async () => {
    server.set({ body: page(window, noLink) });
    await poll();

    server.set({ body: page({ ...window, time: 'Natten mot fredag 4 december 2026, kl. 22:00–02:00' }, noLink) });
    let r = await poll();
    expect(types(r.runId)).toEqual([['rescheduled', 'start,end']]);
    const ntjp = listEvents(app.db).find((e) => e.services.includes('ntjp'))!;
    expect([ntjp.start, ntjp.end]).toEqual(['2026-12-03T21:00:00.000Z', '2026-12-04T01:00:00.000Z']);

    // The unlinked item moves to another day: same event (soft match), not a new one.
    server.set({
      body: page(
        { ...window, time: 'Natten mot fredag 4 december 2026, kl. 22:00–02:00' },
        { ...noLink, time: '2026-12-10 kl. 06.00–07.30' },
      ),
    });
    r = await poll();
    expect(types(r.runId)).toEqual([['rescheduled', 'start,end']]);

    // And gets a new title the next time: still the same event.
    server.set({
      body: page(
        { ...window, time: 'Natten mot fredag 4 december 2026, kl. 22:00–02:00' },
        { ...noLink, title: 'Uppgradering av 1177 inkorg (version 2026.4)', time: '2026-12-10 kl. 06.00–07.30' },
      ),
    });
    r = await poll();
    expect(types(r.runId)).toEqual([['updated', 'title']]);

    server.set({
      body: page(
        {
          ...window,
          badge: 'Inställd',
          title: 'Inställt: Servicefönster i Nationella tjänsteplattformen',
          time: 'Natten mot fredag 4 december 2026, kl. 22:00–02:00',
        },
        { ...noLink, title: 'Uppgradering av 1177 inkorg (version 2026.4)', time: '2026-12-10 kl. 06.00–07.30' },
      ),
    });
    r = await poll();
    expect(types(r.runId)).toEqual([['cancelled', 'title,status']]);
    expect(listEvents(app.db)).toHaveLength(2);
  });
});

describe('the E-hälsomyndigheten feed (untrusted GUIDs)', () => {
  let server: PageServer;
  let app: TestApp;
  beforeEach(async () => {
    server = await startPageServer();
    app = createTestApp({ sources: [{ id: 'ehm', adapter: 'rss', url: server.url('/feed.xml') }] }, '2026-11-24T08:05:00+01:00');
  });
  afterEach(async () => {
    app.close();
    await server.close();
  });

  it('keeps the same two events across fetches and records one resolved change', async () => {
    const xml = (n: number) => ({
      body: readFileSync(shared(`samples/ehm/driftinformation-${n}.xml`)),
      headers: { 'content-type': 'application/rss+xml' },
    });
    server.set(xml(1));
    let r = await refreshSource(app, app.config.sources[0]!);
    expect(r).toMatchObject({ outcome: 'changed', items: 2, baseline: true });

    app.clock.set('2026-11-24T09:35:00+01:00');
    server.set(xml(2));
    r = await refreshSource(app, app.config.sources[0]!);
    const changes = listChanges(app.db, { runId: r.runId });
    expect(changes.map((c) => c.type)).toEqual(['resolved']);
    const events = listEvents(app.db);
    expect(events).toHaveLength(2);
    const nll = events.find((e) => e.services.includes('nll'))!;
    expect(nll.status).toBe('resolved');
    expect(changes[0]!.eventId).toBe(nll.id);
  });

  it('trusts GUIDs only when configured: then every fetch looks like new items', async () => {
    app.close();
    app = createTestApp({ sources: [{ id: 'ehm', adapter: 'rss', url: server.url('/feed.xml'), trustGuid: true }] });
    server.set({ body: readFileSync(shared('samples/ehm/driftinformation-1.xml')) });
    await refreshSource(app, app.config.sources[0]!);
    server.set({ body: readFileSync(shared('samples/ehm/driftinformation-2.xml')) });
    const r = await refreshSource(app, app.config.sources[0]!);
    expect(
      listChanges(app.db, { runId: r.runId })
        .map((c) => c.type)
        .sort(),
    ).toEqual(['created', 'created']);
  });
});
