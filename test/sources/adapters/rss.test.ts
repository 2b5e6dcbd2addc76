import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/domain/errors.js';
import { fixture, parseWith, sample } from './helpers.js';

const EHM = 'https://status.example.se/driftinformation.rss';
const parse = (body: string, url = EHM, options = {}) => parseWith('rss', body, url, options);
const base = { unknownServices: [], details: null } as const;

const servicefonster = {
  ...base,
  kind: 'maintenance',
  status: 'planned',
  title: 'Servicefönster Förskrivningskollen',
  services: ['forskrivningskollen'],
  start: '2026-12-03T23:00:00+01:00',
  end: '2026-12-04T07:00:00+01:00',
  // Every entry links to the channel page: no detail link.
  url: null,
  impact: 'Servicefönster torsdag 3 december 2026 kl 23.00 till senast 07.00. Under tiden kan e-recept inte hämtas på apotek.',
  timeText: 'Servicefönster torsdag 3 december 2026 kl 23.00 till senast 07.00.',
} as const;

describe('rss on the E-hälsomyndigheten samples', () => {
  it('first fetch: a planned window and an ongoing disruption', async () => {
    const r = await parse(sample('ehm/driftinformation-1.xml'));
    expect(r).toEqual({
      items: [
        { ...servicefonster, guid: '8f0c2a6e-1b77-4d0e-9d63-0c5a1f2e9a01' },
        {
          ...base,
          kind: 'disruption',
          status: 'ongoing',
          title: 'Störning: Nationella läkemedelslistan svarar långsamt',
          services: ['nll'],
          start: '2026-11-24T07:20:00+01:00',
          end: null,
          url: null,
          impact: 'Sedan 07.20 idag svarar tjänsten långsamt. Felsökning pågår.',
          timeText: 'Sedan 07.20 idag svarar tjänsten långsamt.',
          guid: '2d1e9b3c-7f40-4a55-8e0b-51c6f0a7b102',
        },
      ],
      saysEmpty: false,
      warnings: [],
    });
  });

  it('second fetch: the same window under a new GUID, and the disruption resolved', async () => {
    const r = await parse(sample('ehm/driftinformation-2.xml'));
    expect(r).toEqual({
      items: [
        { ...servicefonster, guid: 'c41f7d20-93aa-4b1e-a2d4-7e6b0f3c5d11' },
        {
          ...base,
          kind: 'disruption',
          status: 'resolved',
          title: 'Åtgärdat: Nationella läkemedelslistan svarar långsamt',
          services: ['nll'],
          start: '2026-11-24T07:20:00+01:00',
          end: '2026-11-24T09:05:00+01:00',
          url: null,
          impact: 'Sedan 07.20 svarade tjänsten långsamt. Felet åtgärdades 09.05 och tjänsten fungerar normalt.',
          timeText: 'Sedan 07.20 svarade tjänsten långsamt. | Felet åtgärdades 09.05 och tjänsten fungerar normalt.',
          guid: '6b9a0e47-2c3d-4f8e-b1a5-93d7e2f4c612',
        },
      ],
      saysEmpty: false,
      warnings: [],
    });
  });

  it('a configured default kind does not override the categories', async () => {
    const r = await parse(sample('ehm/driftinformation-1.xml'), EHM, { defaultKind: 'release' });
    expect(r.items.map((i) => i.kind)).toEqual(['maintenance', 'disruption']);
  });
});

describe('rss on other feeds', () => {
  it('reads Atom: id as guid, distinct links as detail links, category terms, summary or content', async () => {
    const r = await parse(fixture('atom.xml'), 'https://drift.example.se/atom.xml');
    expect(r.warnings).toEqual(['rss: entry 4 has no title; skipped']);
    expect(r.saysEmpty).toBe(false);
    expect(r.items).toEqual([
      {
        ...base,
        kind: 'disruption',
        status: 'ongoing',
        title: 'Driftstörning i NPÖ och SITHS',
        services: ['npo', 'siths'],
        start: '2026-11-24T07:55:00+01:00',
        end: '2026-11-24T12:00:00+01:00',
        url: 'https://drift.example.se/meddelanden/101',
        impact: 'Sedan kl. 07.55 idag går det inte att logga in. Beräknas klart 12.00.',
        timeText: 'Sedan kl. 07.55 idag går det inte att logga in. | Beräknas klart 12.00.',
        guid: 'urn:drift:101',
      },
      {
        ...base,
        kind: 'maintenance',
        status: 'planned',
        title: 'Uppdatering: Servicefönster i Säker digital kommunikation',
        services: ['sdk'],
        start: '2026-12-08T06:00:00+01:00',
        end: '2026-12-08T07:30:00+01:00',
        url: 'https://drift.example.se/meddelanden/102',
        impact: 'Tisdag 8 december 2026 kl. 06.00–07.30 är tjänsten inte tillgänglig.',
        timeText: 'Tisdag 8 december 2026 kl. 06.00–07.30 är tjänsten inte tillgänglig.',
        guid: 'urn:drift:102',
      },
      {
        ...base,
        kind: 'release',
        status: 'planned',
        title: 'Release av Pascal 5.2',
        services: ['pascal'],
        // No time in the text: null, never the entry's date.
        start: null,
        end: null,
        url: 'https://drift.example.se/meddelanden/103',
        impact: 'Ny version med förbättrad dosering. Datum är inte bestämt.',
        timeText: null,
        guid: 'urn:drift:103',
      },
    ]);
  });

  it('uses the default kind when nothing in the entry names one, and finds services in the description', async () => {
    const body = `<?xml version="1.0"?><rss version="2.0"><channel><title>X</title><link>https://x.example/</link>
      <item><title>Information om inloggning</title><link>https://x.example/1</link><description>Webcert och NPÖ kan vara långsamma.</description></item>
      <item><title>Felet i Pascal är åtgärdat</title><link>https://x.example/2</link></item>
    </channel></rss>`;
    const plain = await parse(body, 'https://x.example/rss');
    expect(plain.items.map((i) => [i.kind, i.status, i.services])).toEqual([
      ['disruption', 'ongoing', ['intygstjanster', 'npo']],
      ['disruption', 'resolved', ['pascal']],
    ]);
    const configured = await parse(body, 'https://x.example/rss', { defaultKind: 'maintenance' });
    // The title's own "åtgärdat" still sets the status.
    expect(configured.items.map((i) => [i.kind, i.status])).toEqual([
      ['maintenance', 'planned'],
      ['maintenance', 'resolved'],
    ]);
  });

  it('malformed XML is a ParseError with the cause', async () => {
    const err = await parse(fixture('broken.xml')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).cause).toBeInstanceOf(Error);
    await expect(parse('<html><body>not a feed</body></html>')).rejects.toThrow(ParseError);
    await expect(parse('')).rejects.toThrow(ParseError);
  });

  it('a well-formed feed without entries says it is empty', async () => {
    expect(await parse(fixture('empty-feed.xml'))).toEqual({ items: [], saysEmpty: true, warnings: [] });
  });
});

describe('rss status from free text', () => {
  it('keeps an item ongoing when its text mixes a fix with a problem that remains', async () => {
    const xml = `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><link>https://s.example/</link>
      <item><title>Inloggning i Förskrivningskollen</title><guid>a</guid>
      <description>Felsökning pågår. Vi har återställt en av servrarna men inloggning fungerar ännu inte.</description></item>
      </channel></rss>`;
    const r = await parse(xml);
    expect(r.items[0]).toMatchObject({ kind: 'disruption', status: 'ongoing', services: ['forskrivningskollen'] });
  });
});
