/** Kind and status from an item's signals, for the labels of other operators and list headings. */
import { describe, expect, it } from 'vitest';
import { classify, type Signals } from '../../../src/sources/adapters/html-item.js';
import type { Kind } from '../../../src/domain/types.js';

describe('classify', () => {
  it.each<[Signals, Kind, { kind: Kind; status: string }]>([
    [{ title: 'Inloggning i Webcert', badge: 'Akut' }, 'maintenance', { kind: 'disruption', status: 'ongoing' }],
    [{ title: 'Uppdatering 2: Akut: Inloggning i Webcert' }, 'maintenance', { kind: 'disruption', status: 'ongoing' }],
    [{ title: 'Uppgradering av Pascal', status: 'Enligt plan' }, 'disruption', { kind: 'maintenance', status: 'planned' }],
    [{ title: 'Release Pascal 5.2', badge: 'Enligt plan' }, 'release', { kind: 'release', status: 'planned' }],
    [{ title: 'Långsamma svar i NPÖ', status: 'Avslutad' }, 'disruption', { kind: 'disruption', status: 'resolved' }],
    [{ title: 'E-recept', badge: 'Full drift' }, 'disruption', { kind: 'disruption', status: 'resolved' }],
    [{ title: 'E-recept', badge: 'Nedsatt funktionalitet' }, 'maintenance', { kind: 'disruption', status: 'ongoing' }],
    // List headings: the kind, and at most a weak planned/ongoing.
    [{ title: 'E-recept', list: 'Uppgraderingar' }, 'disruption', { kind: 'maintenance', status: 'planned' }],
    [{ title: 'Avbrott i Webcert', list: 'Kommande driftstörningar' }, 'disruption', { kind: 'maintenance', status: 'planned' }],
    [{ title: 'Inloggning i NPÖ', list: 'Avslutade driftstörningar' }, 'disruption', { kind: 'disruption', status: 'ongoing' }],
    [
      { title: 'Inloggning i NPÖ', list: 'Pågående driftstörningar', text: 'Felet är åtgärdat.' },
      'disruption',
      { kind: 'disruption', status: 'resolved' },
    ],
    // The badge beats the list heading.
    [{ title: 'Pascal', list: 'Servicefönster', badge: 'Akut störning' }, 'maintenance', { kind: 'disruption', status: 'ongoing' }],
  ])('%j on a %s page', (signals, defaultKind, expected) => expect(classify(signals, defaultKind)).toEqual(expected));

  it('a planned word in a disruption title alone does not make it maintenance', () => {
    expect(classify({ title: 'Störning påverkar kommande bokningar' }, 'disruption').kind).toBe('disruption');
    expect(classify({ title: 'Planerat underhåll av NPÖ' }, 'disruption')).toEqual({ kind: 'maintenance', status: 'planned' });
  });
});
