/**
 * Other operators' vocabulary and page shapes (SOURCES.md, "Known"): labels such as Område
 * and Beräknat avslut, the status labels Akut / Enligt plan / Avslutad, numbered follow-ups,
 * and their empty states, read through the same engine as Inera's pages.
 */
import { describe, expect, it } from 'vitest';
import type { ParsedItem } from '../../../src/domain/types.js';
import { itemKey } from '../../../src/sources/identity.js';
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
    const key = (item: ParsedItem) => itemKey({ ...item, url: null }, { trustGuid: false });
    expect(followUp!.title).not.toBe(first!.title);
    expect(key(followUp!)).toBe(key(first!));
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
