import { describe, expect, it } from 'vitest';
import { kindFromWords, labelOf, saysFixed, splitLabelled, statusFromWords, stripStatusPrefix } from '../../src/domain/status-words.js';

describe('stripStatusPrefix', () => {
  it.each([
    ['Åtgärdat: Bokningar i 1177 tidbokning sparades inte', 'Bokningar i 1177 tidbokning sparades inte'],
    ['Inställt: Servicefönster i Katalogtjänst HSA', 'Servicefönster i Katalogtjänst HSA'],
    ['Uppdatering: Åtgärdat:  Nationella  läkemedelslistan', 'Nationella läkemedelslistan'],
    ['Störning: Nationella läkemedelslistan svarar långsamt', 'Nationella läkemedelslistan svarar långsamt'],
    ['[Flyttad] Servicefönster NTjP', 'Servicefönster NTjP'],
    ['ÅTGÄRDAD – Inloggning', 'Inloggning'],
    ['Uppdatering 2: Inloggning', 'Inloggning'],
    ['Servicefönster i NTjP', 'Servicefönster i NTjP'],
    ['Störning i 1177 journal', 'Störning i 1177 journal'],
    ['Åtgärdat:', 'Åtgärdat:'],
  ])('%s → %s', (title, stripped) => expect(stripStatusPrefix(title)).toBe(stripped));
});

describe('status and kind words', () => {
  it('maps status words, leaving Flyttad and Uppdaterad alone', () => {
    expect(statusFromWords('Pågående störning')).toBe('ongoing');
    expect(statusFromWords('Åtgärdad')).toBe('resolved');
    expect(statusFromWords('Löst')).toBe('resolved');
    expect(statusFromWords('Avslutad')).toBe('resolved');
    expect(statusFromWords('Planerad åtgärd')).toBe('planned');
    expect(statusFromWords('Inställt')).toBe('cancelled');
    expect(statusFromWords('Flyttad')).toBeUndefined();
    expect(statusFromWords('Uppdaterad')).toBeUndefined();
    expect(statusFromWords('Lösenord')).toBeUndefined();
  });

  it('maps kind words, the earliest winning', () => {
    expect(kindFromWords('Driftstörning')).toBe('disruption');
    expect(kindFromWords('Planerat underhåll')).toBe('maintenance');
    expect(kindFromWords('Servicefönster')).toBe('maintenance');
    expect(kindFromWords('Införande')).toBe('release');
    expect(kindFromWords('Störning efter release')).toBe('disruption');
    expect(kindFromWords('Prio 1')).toBeUndefined();
  });

  it('recognises text saying a fault is fixed', () => {
    expect(saysFixed('Felet är åtgärdat och tjänsten fungerar som vanligt igen.')).toBe(true);
    expect(saysFixed('Felet åtgärdades 09.05.')).toBe(true);
    expect(saysFixed('Tjänsten fungerar normalt.')).toBe(true);
    expect(saysFixed('Felsökning pågår.')).toBe(false);
  });

  it('does not call a problem fixed when the text says it is not over', () => {
    expect(saysFixed('Felsökning pågår. Vi har återställt en av servrarna men inloggning fungerar ännu inte.')).toBe(false);
    expect(saysFixed('Tjänsten fungerar normalt för de flesta, men problem kvarstår för vissa användare.')).toBe(false);
    expect(saysFixed('Felet är delvis åtgärdat.')).toBe(false);
  });
});

describe('labels', () => {
  it('folds case and a trailing colon', () => {
    expect(labelOf('BERÖRDA  TJÄNSTER:')).toBe('service');
    expect(labelOf('Beräknas klart')).toBe('end');
    expect(labelOf('Prognos')).toBe('end');
    expect(labelOf('Datum')).toBe('time');
    expect(labelOf('Konsekvens')).toBe('impact');
    expect(labelOf('Okänt')).toBeUndefined();
  });

  it('splits "Label: value" lines only for known labels', () => {
    expect(splitLabelled('Tjänst: 1177 journal')).toEqual({ label: 'service', value: '1177 journal' });
    expect(splitLabelled('Senast uppdaterad: tisdag 24 november 2026 09:15')).toEqual({
      label: 'updated',
      value: 'tisdag 24 november 2026 09:15',
    });
    expect(splitLabelled('Obs: läs detta')).toBeUndefined();
    expect(splitLabelled('Felet är åtgärdat.')).toBeUndefined();
  });
});

describe("other operators' labels and status words (SOURCES.md)", () => {
  it('reads Område as the service and Beräknat avslut as the end', () => {
    expect(labelOf('Område')).toBe('service');
    expect(labelOf('Beräknat avslut:')).toBe('end');
    expect(labelOf('Senast uppdaterad')).toBe('updated');
    expect(labelOf('Senast uppdaterat:')).toBe('updated');
    expect(splitLabelled('Område: Intygstjänster')).toEqual({ label: 'service', value: 'Intygstjänster' });
    expect(splitLabelled('Beräknat avslut: kl. 12.00')).toEqual({ label: 'end', value: 'kl. 12.00' });
  });

  it('maps the status labels Akut, Enligt plan and Avslutad', () => {
    expect(statusFromWords('Akut')).toBe('ongoing');
    expect(kindFromWords('Akut')).toBe('disruption');
    expect(statusFromWords('Akut störning')).toBe('ongoing');
    expect(statusFromWords('Enligt plan')).toBe('planned');
    expect(kindFromWords('Enligt plan')).toBeUndefined();
    expect(statusFromWords('Avslutad')).toBe('resolved');
  });

  it('reads Akut and Enligt plan only as whole labels, not inside running text', () => {
    expect(statusFromWords('Underhåll av system för akut vård')).toBeUndefined();
    expect(kindFromWords('Akut servicefönster')).toBe('maintenance');
    expect(statusFromWords('Felsökningen fortgår enligt plan')).toBeUndefined();
    expect(statusFromWords('Akutmottagningens journal')).toBeUndefined();
  });

  it("maps E-hälsomyndigheten's colour states, whole labels only", () => {
    expect(statusFromWords('Full drift')).toBe('resolved');
    expect(statusFromWords('Grön: full drift')).toBe('resolved');
    expect(statusFromWords('Nedsatt funktionalitet')).toBe('ongoing');
    expect(kindFromWords('Gul – nedsatt funktionalitet')).toBe('disruption');
    expect(statusFromWords('Inte tillgänglig')).toBe('ongoing');
    expect(kindFromWords('Röd: inte tillgänglig')).toBe('disruption');
    // In a sentence the words may be negated or about something else: never a state.
    expect(statusFromWords('Tjänsten är ännu inte i full drift')).toBeUndefined();
    expect(statusFromWords('E-recept är inte tillgänglig under servicefönstret')).toBeUndefined();
  });

  it('reads "åter i full drift" as fixed, but not a negated one', () => {
    expect(saysFixed('Tjänsten är åter i full drift.')).toBe(true);
    expect(saysFixed('E-recept är nu i full drift igen.')).toBe(true);
    expect(saysFixed('Tjänsten är inte i full drift.')).toBe(false);
    expect(saysFixed('Tjänsten är i full drift för de flesta men problem kvarstår.')).toBe(false);
  });

  it.each([
    ['Uppdatering 2: Inloggning i Webcert', 'Inloggning i Webcert'],
    ['Uppdatering 3 – Inloggning i Webcert', 'Inloggning i Webcert'],
    ['Uppdatering nr 2: Inloggning i Webcert', 'Inloggning i Webcert'],
    ['[Uppdatering #3] Inloggning i Webcert', 'Inloggning i Webcert'],
    ['Uppdatering 2023 års version av Webcert', 'Uppdatering 2023 års version av Webcert'],
    ['Akut: Inloggning i Webcert', 'Inloggning i Webcert'],
    ['Uppdatering 2: Akut: Inloggning i Webcert', 'Inloggning i Webcert'],
    ['Avslutad: Inloggning i Webcert', 'Inloggning i Webcert'],
    ['Nedsatt funktionalitet: E-recept', 'E-recept'],
    ['Full drift: E-recept', 'E-recept'],
    ['Akutjournalen svarar långsamt', 'Akutjournalen svarar långsamt'],
  ])('strips the follow-up or state prefix: %s → %s', (title, stripped) => expect(stripStatusPrefix(title)).toBe(stripped));
});
