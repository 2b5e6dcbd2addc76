import { describe, expect, it } from 'vitest';
import { fixture, parseWith, sample } from './helpers.js';

const URL_ = 'https://www.inera.se/aktuellt/planeringskalendern/';
const parse = (body: string) => parseWith('inera-planeringskalendern', body, URL_);
const base = { kind: 'release', unknownServices: [], guid: null, impact: null } as const;

describe('inera-planeringskalendern', () => {
  it('reads every field of the shared sample', async () => {
    const r = await parse(sample('inera/planeringskalendern.html'));
    expect(r).toEqual({
      items: [
        {
          ...base,
          status: 'planned',
          title: 'Release 1177 inkorg 2026.4',
          services: ['1177-inkorg'],
          start: '2026-12-08T06:00:00+01:00',
          end: '2026-12-08T07:30:00+01:00',
          url: 'https://www.inera.se/aktuellt/planeringskalendern/release-1177-inkorg-2026-4/',
          timeText: 'Tisdag 8 december 2026, kl. 06.00–07.30',
          details: 'Nytt stöd för bilagor i svar från vården.',
        },
        {
          ...base,
          status: 'planned',
          title: 'Release Pascal, vecka 51',
          services: ['pascal'],
          start: '2026-12-14T00:00:00+01:00',
          end: '2026-12-16T00:00:00+01:00',
          url: 'https://www.inera.se/aktuellt/planeringskalendern/release-pascal-vecka-51/',
          timeText: '14–15 december 2026 (vecka 51). Exakt tid meddelas under Kommande åtgärder.',
          details: null,
        },
        {
          // "Införande" is a release too.
          ...base,
          status: 'planned',
          title: 'Nytt inloggningsflöde i 1177 e-tjänster',
          services: ['1177-e-tjanster'],
          start: '2027-01-18T00:00:00+01:00',
          end: '2027-01-25T00:00:00+01:00',
          url: 'https://www.inera.se/aktuellt/planeringskalendern/nytt-inloggningsflode-1177/',
          timeText: 'Vecka 3 2027',
          details: 'Invånare möter en ny inloggningssida. Regionernas e-tjänsteförvaltare bör informera sin support.',
        },
      ],
      saysEmpty: false,
      warnings: [],
    });
  });

  it('falls back to the date block plus the month heading, and prefers a Datum label', async () => {
    const r = await parse(fixture('calendar-date-blocks.html'));
    expect(r.warnings).toEqual([]);
    expect(r.items).toEqual([
      {
        ...base,
        status: 'planned',
        title: 'Release 1177 inkorg 2026.4',
        services: ['1177-inkorg'],
        start: '2026-12-08T00:00:00+01:00',
        end: '2026-12-09T00:00:00+01:00',
        url: 'https://www.inera.se/aktuellt/planeringskalendern/release-1177-inkorg-2026-4/',
        timeText: '8 dec 2026',
        details: null,
      },
      {
        ...base,
        status: 'cancelled',
        title: 'Inställt: Release Pascal',
        services: ['pascal'],
        start: '2026-12-14T00:00:00+01:00',
        end: '2026-12-15T00:00:00+01:00',
        url: null,
        timeText: '14 december 2026',
        details: null,
      },
    ]);
    // "Inga planerade releaser i januari": an explicit empty text beside the items.
    expect(r.saysEmpty).toBe(true);
  });
});
