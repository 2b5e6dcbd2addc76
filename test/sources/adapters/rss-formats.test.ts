/**
 * Feed variants: titles marked as HTML (Atom type="html"/"xhtml", escaped markup in RSS)
 * become plain text, and E-hälsomyndigheten's colour states and maintenance lists.
 */
import { describe, expect, it } from 'vitest';
import type { ParsedItem } from '../../../src/domain/types.js';
import { plainTitle } from '../../../src/sources/adapters/rss.js';
import { fixture, parseWith } from './helpers.js';

/** The normalised fields these tests are about. */
const summary = ({ kind, status, title, services, start, end, url }: ParsedItem) => ({ kind, status, title, services, start, end, url });

describe('feed titles marked as HTML become plain text', () => {
  it('Atom: type="html" is unescaped and stripped, xhtml read as text, type="text" kept literally', async () => {
    const r = await parseWith('rss', fixture('atom-html-title.xml'), 'https://drift.example.se/atom.xml');
    expect(r.warnings).toEqual([]);
    expect(r.items.map(summary)).toEqual([
      {
        kind: 'disruption',
        status: 'ongoing',
        title: 'Driftstörning i NPÖ & SITHS',
        services: ['npo', 'siths'],
        start: '2026-11-24T07:55:00+01:00',
        end: null,
        url: 'https://drift.example.se/meddelanden/201',
      },
      {
        kind: 'maintenance',
        status: 'planned',
        title: 'Servicefönster i Pascal',
        services: ['pascal'],
        start: '2026-12-08T06:00:00+01:00',
        end: '2026-12-08T07:30:00+01:00',
        url: 'https://drift.example.se/meddelanden/202',
      },
      {
        // "åter i full drift" in the summary says the problem is over.
        kind: 'disruption',
        status: 'resolved',
        title: 'Svarstider < 2 s & Webcert åter i full drift',
        services: ['intygstjanster'],
        start: '2026-11-23T11:40:00+01:00',
        end: null,
        url: 'https://drift.example.se/meddelanden/203',
      },
    ]);
  });

  it('RSS: escaped markup and CDATA HTML in a title are stripped; the status prefix still counts; no known service keeps the entry', async () => {
    const r = await parseWith('rss', fixture('rss-html-title.xml'), 'https://drift.example.se/rss');
    expect(r.warnings).toEqual([]);
    expect(r.items.map(summary)).toEqual([
      {
        kind: 'disruption',
        status: 'ongoing',
        title: 'Störning: Nationella läkemedelslistan svarar långsamt',
        services: ['nll'],
        start: '2026-11-24T07:20:00+01:00',
        end: null,
        url: 'https://drift.example.se/nll-1',
      },
      {
        kind: 'maintenance',
        status: 'planned',
        title: 'Servicefönster E-recept',
        services: ['e-recept'],
        start: '2026-12-03T23:00:00+01:00',
        end: '2026-12-04T07:00:00+01:00',
        url: 'https://drift.example.se/erecept-1',
      },
      {
        kind: 'disruption',
        status: 'ongoing',
        title: 'Störning i regionens växel',
        services: [],
        start: '2026-11-24T08:45:00+01:00',
        end: null,
        url: null,
      },
    ]);
  });

  it.each([
    [{ title: 'Störning i NPÖ' }, 'Störning i NPÖ'],
    [{ title: '  Störning\n  i   NPÖ ' }, 'Störning i NPÖ'],
    [{ title: 'Driftst&ouml;rning &amp; underhåll' }, 'Driftstörning & underhåll'],
    [{ title: '<b>Störning</b><br>i NPÖ' }, 'Störning i NPÖ'],
    [{ title: 'Svarstid < 2 s' }, 'Svarstid < 2 s'],
    [{ title: 'A &lt; B', titleRaw: [{ _: 'A &lt; B', $: { type: 'html' } }] }, 'A < B'],
    [{ titleRaw: [{ $: { type: 'xhtml' }, div: [{ b: ['Servicefönster'] }] }] }, 'Servicefönster'],
  ])('plainTitle(%j) → %s', (item, expected) => expect(plainTitle(item)).toBe(expected));
});

describe("E-hälsomyndigheten's colour states and maintenance lists", () => {
  it('reads the state from a category or title prefix, and Servicefönster/Uppgraderingar as maintenance', async () => {
    const r = await parseWith('rss', fixture('ehm-states.xml'), 'https://www.ehalsomyndigheten.se/driftinformation/rss');
    expect(r.warnings).toEqual([]);
    expect(r.items.map(summary)).toEqual([
      {
        // Yellow, "nedsatt funktionalitet": an ongoing disruption. "Nästa uppdatering kl. 10.00" is no end.
        kind: 'disruption',
        status: 'ongoing',
        title: 'Förskrivningskollen',
        services: ['forskrivningskollen'],
        start: '2026-11-24T08:30:00+01:00',
        end: null,
        url: null,
      },
      {
        kind: 'disruption',
        status: 'ongoing',
        title: 'Inte tillgänglig: Nationella läkemedelslistan',
        services: ['nll'],
        start: '2026-11-24T09:10:00+01:00',
        end: null,
        url: null,
      },
      {
        // Green, "full drift", as a category: the problem is over.
        kind: 'disruption',
        status: 'resolved',
        title: 'E-recept',
        services: ['e-recept'],
        start: '2026-11-23T14:00:00+01:00',
        end: '2026-11-23T15:10:00+01:00',
        url: null,
      },
      {
        kind: 'maintenance',
        status: 'planned',
        title: 'Uppgradering av Förskrivningskollen',
        services: ['forskrivningskollen'],
        start: '2026-12-08T06:00:00+01:00',
        end: '2026-12-08T07:30:00+01:00',
        url: null,
      },
      {
        // "inte tillgänglig" and "inte i full drift" in running text are not states.
        kind: 'maintenance',
        status: 'planned',
        title: 'E-recept är inte tillgänglig under servicefönstret',
        services: ['e-recept'],
        start: '2026-12-03T23:00:00+01:00',
        end: '2026-12-04T07:00:00+01:00',
        url: null,
      },
    ]);
  });
});
