import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/domain/errors.js';
import { Catalogue } from '../../../src/domain/services.js';
import type { ParsedItem } from '../../../src/domain/types.js';
import { ineraDriftstatus } from '../../../src/sources/adapters/inera-driftstatus.js';
import { catalogue, ctx, fixture, parseWith, sample } from './helpers.js';

const URL_ = 'https://www.inera.se/driftstatus/';
const parse = (body: string, options = {}) => parseWith('inera-driftstatus', body, URL_, options);

const base = { unknownServices: [] as string[], guid: null };

/** The three items of the shared sample; the variants below carry the same content. */
const journal: ParsedItem = {
  ...base,
  kind: 'disruption',
  status: 'ongoing',
  title: 'Störning i 1177 journal',
  services: ['1177-journal'],
  start: '2026-11-24T08:40:00+01:00',
  end: null,
  url: 'https://www.inera.se/driftstatus/pagaende/storning-i-1177-journal-2611/',
  impact: 'Invånare kan inte se nya journalanteckningar. Vårdpersonal påverkas inte.',
  timeText: '24 november 2026 kl. 08.40 | Prognos saknas',
  details: 'Senast uppdaterad: tisdag 24 november 2026 09:15',
};
const siths: ParsedItem = {
  ...base,
  kind: 'disruption',
  status: 'ongoing',
  title: 'Svårt att logga in med SITHS eID',
  services: ['siths', 'npo', 'intygstjanster'],
  start: '2026-11-24T07:55:00+01:00',
  end: '2026-11-24T12:00:00+01:00',
  url: 'https://www.inera.se/driftstatus/pagaende/siths-eid-inloggning/',
  impact: 'Vissa användare får felmeddelande vid inloggning. Försök igen efter en stund.',
  timeText: '2026-11-24 kl. 07:55 | 2026-11-24 kl. 12.00',
  details: 'Senast uppdaterad: tisdag 24 november 2026 08:50',
};
const tidbok: ParsedItem = {
  ...base,
  kind: 'disruption',
  status: 'resolved',
  title: 'Åtgärdat: Bokningar i 1177 tidbokning sparades inte',
  services: ['1177-tidbokning'],
  start: '2026-11-23T14:10:00+01:00',
  end: '2026-11-23T16:45:00+01:00',
  url: 'https://www.inera.se/driftstatus/pagaende/webbtidbok-bokningar/',
  impact: 'Invånare fick bekräftelse men bokningen sparades inte i vårdsystemet.',
  timeText: 'måndag 23 november 2026 kl. 14:10 | måndag 23 november 2026 kl. 16:45',
  details: 'Felet är åtgärdat och tjänsten fungerar som vanligt igen.\nSenast uppdaterad: måndag 23 november 2026 16:50',
};

describe('inera-driftstatus on the shared sample', () => {
  it('reads every field of the three articles', async () => {
    const r = await parse(sample('inera/driftstatus.html'));
    expect(r).toEqual({ items: [journal, siths, tidbok], saysEmpty: false, warnings: [] });
  });
});

describe('inera-driftstatus on other markups with the same content', () => {
  it('reads a table whose header row names the labels, one item per row', async () => {
    const r = await parse(fixture('driftstatus-table.html'));
    expect(r.warnings).toEqual([]);
    expect(r.items).toEqual([
      { ...journal, details: null },
      { ...siths, details: null },
      { ...tidbok, details: null },
    ]);
  });

  it('reads headings followed by "Tjänst:" paragraphs, <strong>/<b> labels and a list after the label', async () => {
    const r = await parse(fixture('driftstatus-paragraphs.html'));
    expect(r.warnings).toEqual([]);
    expect(r.saysEmpty).toBe(false);
    expect(r.items).toEqual([
      { ...journal, details: null },
      { ...siths, details: null },
      { ...tidbok, details: 'Felet är åtgärdat och tjänsten fungerar som vanligt igen.' },
    ]);
  });

  it('reads plain sections holding a heading and a dl, ignoring sections without labels', async () => {
    const r = await parse(fixture('driftstatus-sections.html'));
    expect(r.warnings).toEqual([]);
    expect(r.items).toEqual([
      { ...journal, impact: null, timeText: '24 november 2026 kl. 08.40', details: null },
      { ...tidbok, url: null, impact: null, details: null },
    ]);
  });

  it('reads div.incident items with a label table and a .badge, resolving relative links', async () => {
    const r = await parse(fixture('driftstatus-incident-div.html'));
    expect(r.items).toEqual([
      {
        ...journal,
        url: 'https://www.inera.se/driftstatus/storning-i-1177-journal-2611/',
        impact: null,
      },
      {
        ...tidbok,
        title: 'Bokningar i 1177 tidbokning sparades inte',
        url: 'https://www.inera.se/driftstatus/webbtidbok-bokningar/',
        impact: null,
        details: null,
      },
    ]);
  });

  it('uses item, title and badge selectors from the source options', async () => {
    const body = fixture('driftstatus-custom-classes.html');
    // Unknown class names and no headings: nothing recognisable without configuration.
    expect(await parse(body)).toEqual({ items: [], saysEmpty: false, warnings: [] });
    const r = await parse(body, { selectors: { item: '.driftmeddelande', title: '.rubrik', badge: '.tillstand' } });
    expect(r.warnings).toEqual([]);
    expect(r.items).toEqual([
      {
        ...journal,
        impact: 'Invånare kan inte se nya journalanteckningar.',
        timeText: 'kl. 08.40',
        details: null,
      },
      {
        ...base,
        kind: 'disruption',
        status: 'resolved',
        title: 'Svårt att logga in med SITHS eID',
        // "SITHS, NPÖ och Intygstjänster (Webcert)": split on commas and "och".
        services: ['siths', 'npo', 'intygstjanster'],
        start: '2026-11-24T07:55:00+01:00',
        end: '2026-11-24T12:00:00+01:00',
        url: null,
        impact: null,
        timeText: '2026-11-24 07:55–12:00',
        details: null,
      },
    ]);
  });

  it('decodes entities, collapses whitespace and keeps a <script> in a title as text', async () => {
    const r = await parse(fixture('driftstatus-entities.html'));
    expect(r).toEqual({
      items: [
        {
          ...base,
          kind: 'disruption',
          status: 'ongoing',
          title: 'Fel i Nationell patientöversikt <script>alert(1)</script>',
          services: ['npo', 'hsa'],
          start: '2026-11-24T08:40:00+01:00',
          end: null,
          url: 'https://www.inera.se/driftstatus/pagaende/npo/?a=1&b=2',
          impact: 'Vårdpersonal kan inte öppna patientöversikten.',
          timeText: '24 november 2026 kl. 08.40',
          details: null,
        },
      ],
      // The empty text inside a <script> is not page content.
      saysEmpty: false,
      warnings: [],
    });
  });
});

describe('inera-driftstatus page states', () => {
  it('an explicit "Just nu finns inga pågående störningar" is an empty page', async () => {
    expect(await parse(fixture('empty.html'))).toEqual({ items: [], saysEmpty: true, warnings: [] });
  });

  it('honours extra empty texts from the options', async () => {
    const body = fixture('chrome-only.html').replace('<div id="app"', '<p>Allt fungerar som det ska.</p><div id="app"');
    expect((await parse(body)).saysEmpty).toBe(false);
    expect((await parse(body, { emptyTexts: ['allt fungerar  som det ska'] })).saysEmpty).toBe(true);
  });

  it('page chrome without items or empty text yields nothing and does not claim to be empty', async () => {
    expect(await parse(fixture('chrome-only.html'))).toEqual({ items: [], saysEmpty: false, warnings: [] });
  });

  it('a truncated page is a ParseError, never "all items gone"', async () => {
    await expect(parse(fixture('truncated.html'))).rejects.toThrow(ParseError);
    await expect(parse(fixture('truncated.html'))).rejects.toThrow('page looks truncated: no closing </html>');
    await expect(parse('')).rejects.toThrow(ParseError);
  });

  it('drops an item without a title with a warning and keeps the others; an unreadable time keeps its item', async () => {
    const r = await parse(fixture('broken-item.html'));
    expect(r.warnings).toEqual(['inera-driftstatus: item 2 has no title; skipped']);
    expect(r.items.map((i) => i.title)).toEqual(['Störning i Pascal', 'Störning i Svevac']);
    expect(r.items[0]).toMatchObject({ services: ['pascal'], start: '2026-11-24T07:00:00+01:00', end: null });
    expect(r.items[1]).toMatchObject({
      services: ['svevac'],
      start: null,
      end: null,
      timeText: 'snart, vi återkommer',
      url: null,
    });
  });

  it('an item that throws while being read is dropped with a warning; the others stay', async () => {
    class Exploding extends Catalogue {
      override resolve(names: string[]) {
        if (names.includes('Pascal')) throw new Error('catalogue exploded');
        return super.resolve(names);
      }
    }
    const context = { ...ctx(URL_), catalogue: new Exploding([...catalogue.services]) };
    const r = await ineraDriftstatus.parse(sample('inera/driftstatus.html').replace('<dd>Webbtidbok</dd>', '<dd>Pascal</dd>'), context);
    expect(r.items.map((i) => i.title)).toEqual([journal.title, siths.title]);
    expect(r.warnings).toEqual(['inera-driftstatus: item 3 skipped: catalogue exploded']);
  });
});
