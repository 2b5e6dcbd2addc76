/**
 * Other operators' vocabulary and page shapes (SOURCES.md, "Known"): labels such as Område
 * and Beräknat avslut, the status labels Akut / Enligt plan / Avslutad, numbered follow-ups,
 * and their empty states, read through the same engine as Inera's pages.
 */
import { describe, expect, it } from 'vitest';
import type { ParsedItem } from '../../../src/domain/types.js';
import { keyItems } from '../../../src/sources/identity.js';
import { fixture, parseWith } from './helpers.js';

const DRIFT = 'https://www.inera.se/driftstatus/';
const base = { url: null, impact: null, guid: null, details: null, unknownServices: [] as string[] };

describe('operator labels: Område, Beräknat avslut, Akut, Enligt plan, Avslutad, Uppdatering 2', () => {
  it('reads every item with kind, status, service and times', async () => {
    const r = await parseWith('inera-driftstatus', fixture('operator-labels.html'), DRIFT);
    expect(r.warnings).toEqual([]);
    expect(r.saysEmpty).toBe(false);
    const expected: ParsedItem[] = [
      {
        ...base,
        kind: 'disruption',
        status: 'ongoing',
        title: 'Uppdatering 2: Inloggning i Webcert fungerar inte',
        services: ['intygstjanster'],
        start: '2026-11-24T08:10:00+01:00',
        end: '2026-11-24T11:00:00+01:00',
        url: 'https://www.inera.se/drift/webcert-inloggning',
        timeText: '2026-11-24 kl. 08.10 | kl. 11.00',
        details: 'Felsökning pågår. Användare kan inte logga in.\nSenast uppdaterad: 2026-11-24 09:20',
      },
      {
        // "Enligt plan" on a disruption page is planned work; the title names it an upgrade.
        ...base,
        kind: 'maintenance',
        status: 'planned',
        title: 'Uppgradering av Pascal',
        services: ['pascal'],
        start: '2026-12-01T18:00:00+01:00',
        end: '2026-12-01T21:00:00+01:00',
        timeText: 'tisdag 1 december 2026 kl. 18.00 | tisdag 1 december 2026 kl. 21.00',
      },
      {
        ...base,
        kind: 'disruption',
        status: 'resolved',
        title: 'Avslutad: Långsamma svar i NPÖ',
        services: ['npo'],
        start: '2026-11-23T13:00:00+01:00',
        end: '2026-11-23T15:30:00+01:00',
        timeText: 'måndag 23 november 2026 kl. 13:00 | måndag 23 november 2026 kl. 15:30',
      },
      {
        // An area the catalogue does not know is kept as unknown:…, never dropped.
        ...base,
        kind: 'disruption',
        status: 'ongoing',
        title: 'Störning i regionens journalsystem',
        services: ['unknown:region-uppsala'],
        unknownServices: ['Region Uppsala'],
        start: '2026-11-24T07:45:00+01:00',
        end: null,
        timeText: '2026-11-24 kl. 07.45',
      },
      {
        // No service named at all: still an item, with no services.
        ...base,
        kind: 'disruption',
        status: 'ongoing',
        title: 'Svårt att nå växeln',
        services: [],
        start: '2026-11-24T09:00:00+01:00',
        end: null,
        timeText: '2026-11-24 kl. 09.00',
      },
    ];
    expect(r.items).toEqual(expected);
  });

  it('a numbered follow-up keeps the identity of the item it follows up', async () => {
    const body = fixture('operator-labels.html');
    const [first] = (await parseWith('inera-driftstatus', body.replace('Uppdatering 2: ', ''), DRIFT)).items;
    const [followUp] = (await parseWith('inera-driftstatus', body, DRIFT)).items;
    // By content, not by the detail link both share.
    const key = (item: ParsedItem) => keyItems([{ ...item, url: null }], { trustGuid: false })[0]!.fields.key;
    expect(followUp!.title).not.toBe(first!.title);
    expect(key(followUp!)).toBe(key(first!));
  });
});

describe('operator labels as table columns', () => {
  it('reads Rubrik/Område/Status/Start/Beräknat avslut columns; an area given as "–" is no service', async () => {
    const r = await parseWith('inera-driftstatus', fixture('operator-table.html'), DRIFT);
    expect(r.warnings).toEqual([]);
    expect(r.items).toEqual([
      {
        ...base,
        kind: 'disruption',
        status: 'ongoing',
        title: 'Uppdatering 2: Inloggning i Webcert fungerar inte',
        services: ['intygstjanster'],
        start: '2026-11-24T08:10:00+01:00',
        end: '2026-11-24T11:00:00+01:00',
        timeText: '2026-11-24 kl. 08.10 | kl. 11.00',
        details: 'Senast uppdaterad: 2026-11-24 09:20',
      },
      {
        ...base,
        kind: 'maintenance',
        status: 'planned',
        title: 'Uppgradering av Pascal',
        services: ['pascal'],
        start: '2026-12-01T18:00:00+01:00',
        end: '2026-12-01T21:00:00+01:00',
        timeText: 'tisdag 1 december 2026 kl. 18.00 | tisdag 1 december 2026 kl. 21.00',
      },
      {
        ...base,
        kind: 'disruption',
        status: 'resolved',
        title: 'Långsamma svar',
        services: [],
        start: '2026-11-23T13:00:00+01:00',
        end: '2026-11-23T15:30:00+01:00',
        timeText: 'måndag 23 november 2026 kl. 13:00 | måndag 23 november 2026 kl. 15:30',
      },
    ]);
  });
});

describe('operator lists: "Pågående" and "Kommande driftstörningar"', () => {
  const body = fixture('empty-driftstorningar.html')
    .replace(
      '<div class="no-items">Det finns inga pågående driftstörningar</div>',
      `<article><h3>Inloggning i NPÖ</h3><p>Sedan 2026-11-24 kl. 08.00 går det inte att logga in. Felet är åtgärdat.</p></article>`,
    )
    .replace(
      '<div class="no-items">Det finns inga kommande driftstörningar</div>',
      `<article><h3>Avbrott i Webcert</h3><p>Torsdagen den 3 december mellan kl. 07:00 - 08:00 är Webcert inte tillgängligt.</p></article>`,
    );

  it('an item under "Kommande driftstörningar" is planned work; one under "Pågående" may say it is fixed', async () => {
    const r = await parseWith('inera-driftstatus', body, DRIFT);
    expect(r.warnings).toEqual([]);
    expect(r.items.map(({ kind, status, title, services, start, end }) => ({ kind, status, title, services, start, end }))).toEqual([
      {
        kind: 'disruption',
        status: 'resolved',
        title: 'Inloggning i NPÖ',
        services: ['npo'],
        start: '2026-11-24T08:00:00+01:00',
        end: null,
      },
      {
        kind: 'maintenance',
        status: 'planned',
        title: 'Avbrott i Webcert',
        services: ['intygstjanster'],
        start: '2026-12-03T07:00:00+01:00',
        end: '2026-12-03T08:00:00+01:00',
      },
    ]);
  });
});

describe('operator empty states', () => {
  it('"Det finns inga pågående/kommande driftstörningar" is an empty page', async () => {
    const body = fixture('empty-driftstorningar.html');
    expect(await parseWith('inera-driftstatus', body, DRIFT)).toEqual({ items: [], saysEmpty: true, warnings: [] });
    const planned = 'https://www.inera.se/driftstatus/kommande-atgarder/';
    expect(await parseWith('inera-kommande-atgarder', body, planned)).toEqual({ items: [], saysEmpty: true, warnings: [] });
  });
});

describe('times in prose, for items with no labels at all', () => {
  const PLANNED = 'https://www.inera.se/driftstatus/kommande-atgarder/';

  it('reads the date sentence of each notice; a notice without a date keeps null times', async () => {
    const r = await parseWith('inera-kommande-atgarder', fixture('prose-dates.html'), PLANNED);
    expect(r.warnings).toEqual([]);
    const planned = { ...base, kind: 'maintenance' as const, status: 'planned' as const };
    expect(r.items).toEqual([
      {
        ...planned,
        title: 'Tekniskt underhåll av Intygstjänster',
        services: ['intygstjanster'],
        start: '2026-12-03T07:00:00+01:00',
        end: '2026-12-03T08:00:00+01:00',
        timeText: 'Torsdagen den 3 december mellan kl. 07:00 - 08:00 görs tekniskt underhåll av Intygstjänster.',
        details:
          'Torsdagen den 3 december mellan kl. 07:00 - 08:00 görs tekniskt underhåll av Intygstjänster. Under tiden går det inte att skicka eller signera intyg.',
      },
      {
        // "Publicerad …" and "Nästa uppdatering … 1 december" date the notice, not the window;
        // the service is named only in the text.
        ...planned,
        title: 'Planerat underhåll',
        services: ['pascal'],
        start: '2026-12-07T23:00:00+01:00',
        end: '2026-12-08T04:00:00+01:00',
        timeText: 'Natten mot tisdag 8 december, kl. 23.00 till senast 04.00, uppgraderas Pascal till en ny version.',
        details:
          'Publicerad 20 november 2026.\nNatten mot tisdag 8 december, kl. 23.00 till senast 04.00, uppgraderas Pascal till en ny version. Nästa uppdatering av sidan sker 1 december.',
      },
      {
        // "Senast uppdaterad" and "i morgon" are no time for the window: never invent one.
        ...planned,
        title: 'Servicefönster i Katalogtjänst HSA',
        services: ['hsa'],
        start: null,
        end: null,
        timeText: null,
        details:
          'Servicefönstret flyttas. Nytt datum meddelas senare och vi återkommer i morgon med mer information.\nSenast uppdaterad: 23 november 2026 kl. 16.00',
      },
      {
        // A service the catalogue does not know, named only in prose: kept, with no services.
        ...planned,
        title: 'Uppgradering av regionens väntelistor',
        services: [],
        start: '2026-12-14T18:00:00+01:00',
        end: '2026-12-14T20:00:00+01:00',
        timeText: 'Måndagen den 14 december 2026 mellan 18.00 och 20.00 uppgraderas systemet för väntelistor.',
        details: 'Måndagen den 14 december 2026 mellan 18.00 och 20.00 uppgraderas systemet för väntelistor.',
      },
    ]);
  });

  it("finds a notice under a bare heading, leaving the page's other sections out", async () => {
    const expected: ParsedItem = {
      ...base,
      kind: 'maintenance',
      status: 'planned',
      title: 'Planerat underhåll',
      services: ['intygstjanster'],
      start: '2026-12-10T07:00:00+01:00',
      end: '2026-12-10T08:00:00+01:00',
      timeText: 'Torsdagen den 10 december mellan kl. 07:00 - 08:00 görs tekniskt underhåll av Intygstjänster.',
      details:
        'Torsdagen den 10 december mellan kl. 07:00 - 08:00 görs tekniskt underhåll av Intygstjänster.\nUnder tiden går det inte att skicka eller signera intyg.',
    };
    const body = fixture('prose-sections.html');
    expect(await parseWith('inera-kommande-atgarder', body, PLANNED)).toEqual({ items: [expected], saysEmpty: false, warnings: [] });
    // On the disruption page too: "Planerat underhåll" is planned maintenance, not a disruption.
    expect((await parseWith('inera-driftstatus', body, DRIFT)).items).toEqual([expected]);
  });
});

describe("E-hälsomyndigheten's driftinformation page: colour states and separate lists", () => {
  it('reads state badges, and items under "Servicefönster" and "Uppgraderingar" as planned maintenance', async () => {
    const r = await parseWith('inera-driftstatus', fixture('ehm-states.html'), 'https://www.ehalsomyndigheten.se/driftinformation/');
    expect(r.warnings).toEqual([]);
    const summary = ({ kind, status, title, services, start, end }: ParsedItem) => ({ kind, status, title, services, start, end });
    expect(r.items.map(summary)).toEqual([
      {
        kind: 'disruption',
        status: 'ongoing',
        title: 'Förskrivningskollen',
        services: ['forskrivningskollen'],
        start: '2026-11-24T08:30:00+01:00',
        end: null,
      },
      {
        kind: 'disruption',
        status: 'ongoing',
        title: 'Nationella läkemedelslistan',
        services: ['nll'],
        start: '2026-11-24T09:10:00+01:00',
        end: null,
      },
      {
        // Green "Full drift" badge: over.
        kind: 'disruption',
        status: 'resolved',
        title: 'E-recept',
        services: ['e-recept'],
        start: '2026-11-23T14:00:00+01:00',
        end: '2026-11-23T15:10:00+01:00',
      },
      {
        // "inte tillgänglig" in the text of a service window is no state.
        kind: 'maintenance',
        status: 'planned',
        title: 'Nationella läkemedelslistan',
        services: ['nll'],
        start: '2026-12-03T23:00:00+01:00',
        end: '2026-12-04T07:00:00+01:00',
      },
      {
        kind: 'maintenance',
        status: 'planned',
        title: 'E-recept',
        services: ['e-recept'],
        start: '2026-12-08T06:00:00+01:00',
        end: '2026-12-08T07:30:00+01:00',
      },
    ]);
  });

  it('a list heading names the kind but never the status', async () => {
    const body = fixture('ehm-states.html').replace('<h2>Driftstörningar</h2>', '<h2>Avslutade driftstörningar</h2>');
    const r = await parseWith('inera-driftstatus', body, 'https://www.ehalsomyndigheten.se/driftinformation/');
    expect(r.items.slice(0, 2).map((i) => i.status)).toEqual(['ongoing', 'ongoing']);
  });
});
