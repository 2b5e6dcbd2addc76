import { describe, expect, it } from 'vitest';
import { fixture, parseWith, sample } from './helpers.js';

const URL_ = 'https://www.inera.se/driftstatus/kommande-atgarder/';
const parse = (body: string) => parseWith('inera-kommande-atgarder', body, URL_);
const base = { unknownServices: [], guid: null, details: null } as const;

describe('inera-kommande-atgarder', () => {
  it('reads every field of the shared sample', async () => {
    const r = await parse(sample('inera/kommande-atgarder.html'));
    expect(r).toEqual({
      items: [
        {
          ...base,
          kind: 'maintenance',
          status: 'planned',
          title: 'Servicefönster i Nationella tjänsteplattformen',
          services: ['ntjp', 'npo', '1177-tidbokning'],
          // "Natten mot torsdag 3 december": starts on the Wednesday evening.
          start: '2026-12-02T22:00:00+01:00',
          end: '2026-12-03T02:00:00+01:00',
          url: 'https://www.inera.se/driftstatus/kommande-atgarder/servicefonster-ntjp-december/',
          impact: 'Tjänsterna kan vara otillgängliga under delar av servicefönstret.',
          timeText: 'Natten mot torsdag 3 december 2026, kl. 22:00–02:00',
        },
        {
          ...base,
          kind: 'maintenance',
          status: 'planned',
          title: 'Uppgradering av 1177 inkorg',
          services: ['1177-inkorg'],
          start: '2026-12-08T06:00:00+01:00',
          end: '2026-12-08T07:30:00+01:00',
          url: 'https://www.inera.se/driftstatus/kommande-atgarder/uppgradering-1177-inkorg/',
          impact: 'Invånare kan inte skicka eller läsa meddelanden under uppgraderingen.',
          timeText: '2026-12-08 kl. 06.00 | 2026-12-08 kl. 07.30',
        },
        {
          ...base,
          kind: 'maintenance',
          status: 'cancelled',
          title: 'Inställt: Servicefönster i Katalogtjänst HSA',
          services: ['hsa'],
          start: '2026-11-28T18:00:00+01:00',
          end: '2026-11-28T23:00:00+01:00',
          url: 'https://www.inera.se/driftstatus/kommande-atgarder/servicefonster-hsa/',
          impact: 'Servicefönstret är inställt. Nytt datum meddelas senare.',
          timeText: 'lördag 28 november 2026 kl. 18.00 - 23.00',
        },
      ],
      saysEmpty: false,
      warnings: [],
    });
  });

  it('keeps unknown services as unknown:<slug>, splits on , ; newlines and "och", and falls back to the title', async () => {
    const r = await parse(fixture('unknown-services.html'));
    expect(r.warnings).toEqual([]);
    expect(r.items).toEqual([
      {
        ...base,
        kind: 'maintenance',
        status: 'planned',
        title: 'Servicefönster i flera tjänster',
        services: ['stod-och-behandling', 'npo', 'unknown:nya-remisstjansten', 'unknown:lakemedels-o-tjansten-lot', '1177-journal'],
        start: '2026-12-08T06:00:00+01:00',
        end: '2026-12-08T07:30:00+01:00',
        url: null,
        impact: null,
        timeText: 'tisdag 8 december 2026 kl. 06.00–07.30',
        unknownServices: ['Nya Remisstjänsten', 'Läkemedels-Ö-tjänsten (LÖT)'],
      },
      {
        ...base,
        kind: 'maintenance',
        status: 'planned',
        title: 'Uppgradering av SITHS och Sjunet',
        services: ['siths', 'sjunet'],
        start: null,
        end: null,
        url: null,
        impact: null,
        timeText: null,
        details: 'Ingen tjänst angiven, tid meddelas senare.',
      },
    ]);
  });

  it('recognises "Det finns inga kommande åtgärder"', async () => {
    const body =
      '<!DOCTYPE html><html><body><main><h1>Kommande åtgärder</h1><p>Det finns inga kommande åtgärder just nu.</p></main></body></html>';
    expect(await parse(body)).toEqual({ items: [], saysEmpty: true, warnings: [] });
  });
});
