/**
 * Calendar, Atom feed and JSON API over real HTTP: the ICS parsed back with ical.js (stable
 * UIDs, SEQUENCE raised per change, CANCELLED, instants right across DST), the Atom feed with
 * rss-parser, and the API's filters, paging and refusals.
 */
import ICAL from 'ical.js';
import Parser from 'rss-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importDirectory, readDirectoryFile } from '../../src/directory/import.js';
import type { EventFields } from '../../src/domain/event.js';
import { insertChange } from '../../src/store/changes.repo.js';
import { insertEvent, updateEventSeen, getEvent } from '../../src/store/events.repo.js';
import { upsertSource } from '../../src/store/sources.repo.js';
import { packagePath } from '../../src/util/paths.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { startTestWeb, type TestWeb } from './web-helpers.js';

const base: EventFields = {
  key: 'k',
  kind: 'maintenance',
  status: 'planned',
  title: 'Servicefönster',
  services: ['npo'],
  start: null,
  end: null,
  url: null,
  impact: null,
  timeText: null,
  details: null,
  guid: null,
};

interface Vevent {
  uid: string;
  sequence: number;
  status: string;
  summary: string;
  start: number;
  end: number;
  stamp: string;
}

function parseIcs(text: string): Vevent[] {
  const cal = new ICAL.Component(ICAL.parse(text));
  return cal.getAllSubcomponents('vevent').map((v) => ({
    uid: String(v.getFirstPropertyValue('uid')),
    sequence: Number(v.getFirstPropertyValue('sequence')),
    status: String(v.getFirstPropertyValue('status')),
    summary: String(v.getFirstPropertyValue('summary')),
    start: (v.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().getTime(),
    end: (v.getFirstPropertyValue('dtend') as ICAL.Time).toJSDate().getTime(),
    stamp: String(v.getFirstPropertyValue('dtstamp')),
  }));
}

describe('calendar, feed and API', () => {
  let app: TestApp;
  let web: TestWeb;
  const at = '2026-11-24T08:00:00.000Z';
  let ids: { dst: number; release: number; cancelled: number; disruption: number };

  const add = (f: Partial<EventFields> & { key: string }) => {
    const id = insertEvent(app.db, 's', { ...base, ...f }, at);
    insertChange(app.db, { eventId: id, runId: null, type: 'created', fields: [], at, baseline: false });
    return id;
  };

  beforeEach(async () => {
    app = createTestApp({});
    importDirectory(app.db, readDirectoryFile(packagePath('defaults', 'region-uppsala.yaml'), app.catalogue));
    upsertSource(app.db, { id: 's', adapter: 'rss', url: 'https://s.example/' });
    ids = {
      // Across the spring DST change: 01.30 CET to 04.00 CEST is 1.5 hours.
      dst: add({ key: 'dst', title: 'Servicefönster i NPÖ', start: '2027-03-28T00:30:00.000Z', end: '2027-03-28T02:00:00.000Z' }),
      release: add({
        key: 'rel',
        kind: 'release',
        title: 'Release av 1177 journal',
        services: ['1177-journal'],
        start: '2026-12-01T07:00:00.000Z',
      }),
      cancelled: add({
        key: 'can',
        title: 'Inställt fönster',
        services: ['svevac'],
        start: '2026-12-03T21:00:00.000Z',
        end: '2026-12-04T01:00:00.000Z',
      }),
      disruption: add({
        key: 'dis',
        kind: 'disruption',
        status: 'ongoing',
        title: 'Störning i Svevac',
        services: ['svevac'],
        start: '2026-11-24T07:40:00.000Z',
      }),
    };
    web = await startTestWeb(app);
  });
  afterEach(async () => {
    await web.close();
    app.close();
  });

  const ics = async (query = '') => {
    const res = await fetch(`${web.url}/kalender.ics${query}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    return { text: await res.text(), events: [] as Vevent[] };
  };

  it('lists windows and releases with stable UIDs and exact instants, across the DST change', async () => {
    const { text } = await ics();
    const events = parseIcs(text);
    expect(text).toContain('METHOD:PUBLISH');
    expect(events.map((e) => e.uid).sort()).toEqual(
      [ids.dst, ids.release, ids.cancelled].map((id) => `driftkoll-event-${id}@localhost`).sort(),
    );
    const dst = events.find((e) => e.uid.includes(`-${ids.dst}@`))!;
    expect(dst.start).toBe(Date.parse('2027-03-28T01:30:00+01:00'));
    expect(dst.end).toBe(Date.parse('2027-03-28T04:00:00+02:00'));
    expect(dst.end - dst.start).toBe(1.5 * 3_600_000);
    // A release without an end is one hour.
    const release = events.find((e) => e.uid.includes(`-${ids.release}@`))!;
    expect(release.end - release.start).toBe(3_600_000);
    expect(release.summary).toBe('Release: Release av 1177 journal');
    expect(events.every((e) => e.sequence === 0 && e.status === 'CONFIRMED')).toBe(true);
    // The same calendar fetched again is the same calendar (UIDs come from the configured baseUrl, not the request).
    expect(parseIcs((await ics()).text)).toEqual(events);
  });

  it('raises SEQUENCE on every change and marks a cancelled event CANCELLED', async () => {
    const later = '2026-11-25T08:00:00.000Z';
    const e = getEvent(app.db, ids.cancelled)!;
    updateEventSeen(app.db, e.id, { ...e, status: 'cancelled' }, later);
    insertChange(app.db, { eventId: e.id, runId: null, type: 'cancelled', fields: ['status'], at: later, baseline: false });
    insertChange(app.db, { eventId: ids.dst, runId: null, type: 'rescheduled', fields: ['start'], at: later, baseline: false });
    insertChange(app.db, { eventId: ids.dst, runId: null, type: 'updated', fields: ['impact'], at: later, baseline: false });
    const events = parseIcs((await ics()).text);
    const cancelled = events.find((v) => v.uid.includes(`-${ids.cancelled}@`))!;
    expect(cancelled).toMatchObject({ sequence: 1, status: 'CANCELLED', summary: 'Inställt: Servicefönster: Inställt fönster' });
    expect(cancelled.stamp).toBe('2026-11-25T08:00:00Z');
    expect(events.find((v) => v.uid.includes(`-${ids.dst}@`))!.sequence).toBe(2);
  });

  it('filters the calendar by service and by administration', async () => {
    expect(parseIcs((await ics('?tjanst=svevac')).text).map((e) => e.summary)).toEqual(['Servicefönster: Inställt fönster']);
    // Smittskydd follows Svevac but not NPÖ or 1177 journal.
    const unit = parseIcs((await ics('?forvaltning=smittskyddsenheten')).text).map((e) => e.summary);
    expect(unit).toEqual(['Servicefönster: Inställt fönster']);
    expect(parseIcs((await ics('?forvaltning=finns-inte')).text)).toEqual([]);
  });

  it('serves every change as Atom, newest first, linking to the event pages', async () => {
    insertChange(app.db, {
      eventId: ids.dst,
      runId: null,
      type: 'rescheduled',
      fields: ['start'],
      at: '2026-11-25T08:00:00.000Z',
      baseline: false,
    });
    const res = await fetch(`${web.url}/handelser.atom`);
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const feed = await new Parser().parseString(await res.text());
    expect(feed.title).toBe('Driftinformation – Invånartjänster e-hälsa, Region Uppsala');
    expect(feed.items).toHaveLength(5);
    expect(feed.items[0]!.title).toMatch(/^Servicefönster: Servicefönster i NPÖ – Ny tid: /);
    expect(feed.items[0]!.link).toBe(`${web.url}/handelse/${ids.dst}`);
    expect(new Set(feed.items.map((i) => i.id)).size).toBe(5);
  });

  it('answers /api/v1/events in the contract shape, filtered by service, kind, status and time', async () => {
    const get = async (q: string) =>
      (await (await fetch(`${web.url}/api/v1/events${q}`)).json()) as { events: Record<string, unknown>[]; next: string | null };
    const all = await get('');
    expect(all.events).toHaveLength(4);
    expect(Object.keys(all.events[0]!)).toEqual(
      expect.arrayContaining(['id', 'key', 'source', 'kind', 'status', 'title', 'services', 'start', 'end', 'url', 'impact']),
    );
    expect((await get('?service=svevac')).events.map((e) => e.id).sort()).toEqual([ids.cancelled, ids.disruption].sort());
    expect((await get('?kind=release')).events.map((e) => e.id)).toEqual([ids.release]);
    expect((await get('?status=ongoing')).events.map((e) => e.id)).toEqual([ids.disruption]);
    expect((await get('?kind=maintenance,release&from=2026-12-01&to=2026-12-31')).events.map((e) => e.id).sort()).toEqual(
      [ids.release, ids.cancelled].sort(),
    );
    const dst = (await get('?from=2027-03-01T00:00:00%2B01:00')).events[0]!;
    expect(dst.start).toBe('2027-03-28T01:30:00+01:00');
    expect(dst.end).toBe('2027-03-28T04:00:00+02:00');
  });

  it('pages the API with a next link, and refuses bad parameters with 400 and a reason', async () => {
    const first = (await (await fetch(`${web.url}/api/v1/events?limit=3`)).json()) as { events: unknown[]; next: string };
    expect(first.events).toHaveLength(3);
    expect(first.next).toBe('/api/v1/events?limit=3&page=2');
    const second = (await (await fetch(`${web.url}${first.next}`)).json()) as { events: unknown[]; next: string | null };
    expect(second.events).toHaveLength(1);
    expect(second.next).toBeNull();
    for (const q of ['kind=outage', 'status=done', 'from=yesterday', 'limit=500', 'page=0']) {
      const res = await fetch(`${web.url}/api/v1/events?${q}`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/must be/);
    }
  });

  it('answers /api/v1/changes newest first, by event, type and time', async () => {
    insertChange(app.db, {
      eventId: ids.dst,
      runId: null,
      type: 'rescheduled',
      fields: ['start'],
      at: '2026-11-25T08:00:00.000Z',
      baseline: false,
    });
    const get = async (q: string) =>
      (await (await fetch(`${web.url}/api/v1/changes${q}`)).json()) as { changes: Record<string, unknown>[] };
    const all = await get('');
    expect(all.changes).toHaveLength(5);
    expect(all.changes[0]).toMatchObject({ eventId: ids.dst, type: 'rescheduled', fields: ['start'], at: '2026-11-25T09:00:00+01:00' });
    expect((await get(`?event=${ids.dst}`)).changes).toHaveLength(2);
    expect((await get('?type=rescheduled')).changes).toHaveLength(1);
    expect((await get('?since=2026-11-25')).changes).toHaveLength(1);
    expect((await get('?service=1177-journal')).changes.map((c) => c.eventId)).toEqual([ids.release]);
    expect((await fetch(`${web.url}/api/v1/changes?type=exploded`)).status).toBe(400);
  });

  it('shows an event page with its history and the source’s link named after its publisher', async () => {
    app.config.sources = [{ id: 's', adapter: 'rss', url: 'https://s.example/', intervalMs: 300_000, name: 'E-hälsomyndigheten' }];
    const e = getEvent(app.db, ids.disruption)!;
    updateEventSeen(
      app.db,
      e.id,
      { ...e, url: 'https://www.ehalsomyndigheten.se/drift/1', impact: 'Vaccinationer kan inte registreras.' },
      at,
    );
    insertChange(app.db, {
      eventId: e.id,
      runId: null,
      type: 'updated',
      fields: ['impact'],
      at: '2026-11-24T08:15:00.000Z',
      baseline: false,
    });
    const res = await fetch(`${web.url}/handelse/${e.id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1>Störning i Svevac</h1>');
    expect(html).toContain('Publicerades hos E-hälsomyndigheten');
    expect(html).toContain('Ändrad: påverkan');
    expect(html).toContain('<a href="https://www.ehalsomyndigheten.se/drift/1">Läs mer hos E-hälsomyndigheten om Störning i Svevac</a>');
    expect((await fetch(`${web.url}/handelse/999`)).status).toBe(404);
    expect((await fetch(`${web.url}/handelse/abc`)).status).toBe(404);
  });

  it('filters the overview by service and by administration', async () => {
    const page = async (q: string) => await (await fetch(`${web.url}/${q}`)).text();
    const svevac = await page('?tjanst=svevac');
    expect(svevac).toContain('Störning i Svevac');
    expect(svevac).not.toContain('Release av 1177 journal');
    expect(svevac).toContain('<option value="svevac" selected>');
    const all = await page('');
    expect(all).toContain('Release av 1177 journal');
    expect(all).toContain('Inställt fönster');
    expect(all).toContain(`<a href="/handelse/${ids.disruption}">Störning i Svevac</a>`);
    const unit = await page('?forvaltning=smittskyddsenheten');
    expect(unit).toContain('Störning i Svevac');
    expect(unit).not.toContain('Release av 1177 journal');
    // The page names the publishers of the configured sources.
    expect(all).toContain('Uppgifterna kommer från Inera. Se även <a href="https://www.inera.se/driftstatus/">Ineras driftstatus</a>.');
    app.config.sources = [
      ...app.config.sources,
      { id: 'ehm', adapter: 'rss', url: 'https://www.ehalsomyndigheten.se/drift.xml', intervalMs: 300_000, name: 'E-hälsomyndigheten' },
    ];
    expect(await page('')).toContain('Uppgifterna kommer från Inera och E-hälsomyndigheten.');
  });
});
