import { describe, expect, it } from 'vitest';
import {
  countSv,
  formatDate,
  formatDateTime,
  formatForecast,
  formatSince,
  formatWhen,
  isoWeek,
  roleFor,
  roleInSentence,
} from '../../src/domain/format-sv.js';

/** Tuesday 24 November 2026, 09.30 in Stockholm. */
const NOW = new Date('2026-11-24T09:30:00+01:00');

describe('formatWhen', () => {
  const cases: [string, string | null, string | null, string][] = [
    ['same day', '2026-12-05T07:00:00+01:00', '2026-12-05T11:00:00+01:00', 'lördag 5 december kl. 07.00–11.00'],
    ['night window past midnight, compact', '2026-12-03T22:00:00+01:00', '2026-12-04T02:00:00+01:00', 'torsdag 3 december kl. 22.00–02.00'],
    ['the same in UTC', '2026-12-03T21:00:00Z', '2026-12-04T01:00:00Z', 'torsdag 3 december kl. 22.00–02.00'],
    ['ends at midnight', '2026-12-03T22:00:00+01:00', '2026-12-04T00:00:00+01:00', 'torsdag 3 december kl. 22.00–24.00'],
    ['across days', '2026-12-08T22:00:00+01:00', '2026-12-09T04:00:00+01:00', 'tisdag 8 december kl. 22.00 – onsdag 9 december kl. 04.00'],
    [
      'several days',
      '2026-12-08T08:00:00+01:00',
      '2026-12-10T17:00:00+01:00',
      'tisdag 8 december kl. 08.00 – torsdag 10 december kl. 17.00',
    ],
    ['next year', '2027-01-18T22:00:00+01:00', '2027-01-18T23:30:00+01:00', 'måndag 18 januari 2027 kl. 22.00–23.30'],
    [
      'into next year',
      '2026-12-31T22:00:00+01:00',
      '2027-01-01T06:00:00+01:00',
      'torsdag 31 december kl. 22.00 – fredag 1 januari 2027 kl. 06.00',
    ],
    ['open end', '2026-12-03T22:00:00+01:00', null, 'från torsdag 3 december kl. 22.00'],
    ['open end, whole day', '2026-12-03T00:00:00+01:00', null, 'från torsdag 3 december'],
    ['no start', null, '2026-12-03T12:00:00+01:00', 'till torsdag 3 december kl. 12.00'],
    ['nothing', null, null, 'Tid inte angiven'],
    ['one whole day (exclusive end)', '2026-12-14T00:00:00+01:00', '2026-12-15T00:00:00+01:00', 'måndag 14 december'],
    ['whole days', '2026-12-14T00:00:00+01:00', '2026-12-16T00:00:00+01:00', 'måndag 14 december – tisdag 15 december'],
    ['whole day given in UTC', '2026-12-13T23:00:00Z', '2026-12-14T23:00:00Z', 'måndag 14 december'],
    ['a week next year', '2027-01-18T00:00:00+01:00', '2027-01-25T00:00:00+01:00', 'måndag 18 januari – söndag 24 januari 2027'],
    ['whole days into next year', '2026-12-28T00:00:00+01:00', '2027-01-04T00:00:00+01:00', 'måndag 28 december – söndag 3 januari 2027'],
    ['same start and end', '2026-12-05T07:00:00+01:00', '2026-12-05T07:00:00+01:00', 'lördag 5 december kl. 07.00'],
    // DST starts Sunday 29 March 2026 at 02.00 (clocks jump to 03.00).
    ['DST spring, offsets given', '2026-03-29T01:00:00+01:00', '2026-03-29T04:00:00+02:00', 'söndag 29 mars kl. 01.00–04.00'],
    ['DST spring, in UTC', '2026-03-29T00:30:00Z', '2026-03-29T01:30:00Z', 'söndag 29 mars kl. 01.30–03.30'],
    ['DST spring, whole day', '2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00', 'söndag 29 mars'],
    // DST ends Sunday 25 October 2026 at 03.00 (clocks go back to 02.00).
    ['DST autumn, in UTC', '2026-10-24T23:00:00Z', '2026-10-25T03:00:00Z', 'söndag 25 oktober kl. 01.00–04.00'],
    ['DST autumn, whole day', '2026-10-25T00:00:00+02:00', '2026-10-26T00:00:00+01:00', 'söndag 25 oktober'],
    ['DST autumn night window', '2026-10-24T22:00:00+02:00', '2026-10-25T02:00:00+01:00', 'lördag 24 oktober kl. 22.00–02.00'],
    ['unreadable start kept as given', 'nästa vecka', null, 'nästa vecka'],
  ];
  it.each(cases)('%s', (_name, start, end, expected) => {
    expect(formatWhen(start, end, NOW)).toBe(expected);
  });

  it("leaves the year out only in the reader's own year", () => {
    const january = new Date('2027-01-05T10:00:00+01:00');
    expect(formatWhen('2027-01-18T22:00:00+01:00', '2027-01-18T23:00:00+01:00', january)).toBe('måndag 18 januari kl. 22.00–23.00');
    expect(formatWhen('2026-12-30T22:00:00+01:00', '2026-12-30T23:00:00+01:00', january)).toBe('onsdag 30 december 2026 kl. 22.00–23.00');
  });
});

describe('formatSince', () => {
  it.each([
    ['2026-11-24T08:40:00+01:00', 'sedan kl. 08.40'],
    ['2026-11-23T23:30:00Z', 'sedan kl. 00.30'],
    ['2026-11-23T16:15:00+01:00', 'sedan måndag 23 november kl. 16.15'],
    ['2026-11-23T00:00:00+01:00', 'sedan måndag 23 november'],
    ['2025-12-30T10:00:00+01:00', 'sedan tisdag 30 december 2025 kl. 10.00'],
  ])('%s → %s', (start, expected) => {
    expect(formatSince(start, NOW)).toBe(expected);
  });
});

describe('formatForecast', () => {
  const disruption = { kind: 'disruption' as const, status: 'ongoing' as const };
  it.each([
    [{ ...disruption, end: null }, 'Prognos saknas'],
    [{ ...disruption, end: '2026-11-24T12:00:00+01:00' }, 'Beräknas klart kl. 12.00'],
    [{ ...disruption, end: '2026-11-25T12:00:00+01:00' }, 'Beräknas klart onsdag 25 november kl. 12.00'],
    // Still listed as ongoing after the forecast: say it has passed, not that it is ahead.
    [{ ...disruption, end: '2026-11-24T09:00:00+01:00' }, 'Prognosen kl. 09.00 har passerat'],
    [{ ...disruption, end: '2026-11-24T09:30:00+01:00' }, 'Prognosen kl. 09.30 har passerat'],
    [{ ...disruption, end: '2026-11-23T13:00:00+01:00' }, 'Prognosen måndag 23 november kl. 13.00 har passerat'],
    [{ ...disruption, end: '2026-11-24T09:31:00+01:00' }, 'Beräknas klart kl. 09.31'],
    [{ ...disruption, status: 'resolved' as const, end: '2026-11-24T08:00:00+01:00' }, null],
    [{ kind: 'maintenance' as const, status: 'ongoing' as const, end: null }, null],
  ])('%o → %s', (event, expected) => {
    expect(formatForecast(event, NOW)).toBe(expected);
  });
});

describe('formatDate, formatDateTime, isoWeek', () => {
  it('formats in Stockholm time', () => {
    expect(formatDate('2026-11-27T10:00:00+01:00', NOW)).toBe('fredag 27 november');
    expect(formatDate('2027-01-18T10:00:00+01:00', NOW)).toBe('måndag 18 januari 2027');
    expect(formatDateTime('2026-11-24T06:30:00Z', NOW)).toBe('tisdag 24 november kl. 07.30');
    expect(formatDateTime('2026-07-01T07:40:00Z', NOW)).toBe('onsdag 1 juli kl. 09.40');
    expect(formatDateTime('2026-10-25T01:30:00Z', NOW)).toBe('söndag 25 oktober kl. 02.30');
    expect(isoWeek('2026-11-24T09:30:00+01:00')).toBe(48);
    expect(isoWeek('2027-01-03T23:30:00+01:00')).toBe(53);
  });
});

describe('roles and counts, as mail and web write them', () => {
  it.each([
    ['E-hälsostrateg', 'e-hälsostrateg'],
    ['Verksamhetsutvecklare', 'verksamhetsutvecklare'],
    ['VSS Resurscentrum', 'VSS Resurscentrum'],
    ['OL-IT för Invånartjänster e-hälsa', 'OL-IT för Invånartjänster e-hälsa'],
    ['IT-samordnare', 'IT-samordnare'],
    ['  Systemförvaltare \n NPÖ ', 'systemförvaltare NPÖ'],
  ])('%s → %s', (role, expected) => {
    expect(roleInSentence(role)).toBe(expected);
  });

  it('says why with the unit', () => {
    expect(roleFor('E-hälsostrateg', 'Nära vård och hälsa')).toBe('e-hälsostrateg för Nära vård och hälsa');
  });

  it('counts with the right plural', () => {
    expect(countSv(1, 'mottagare', 'mottagare')).toBe('1 mottagare');
    expect(countSv(1, 'ändring', 'ändringar')).toBe('1 ändring');
    expect(countSv(2, 'ändring', 'ändringar')).toBe('2 ändringar');
    expect(countSv(0, 'ändring', 'ändringar')).toBe('0 ändringar');
  });
});
