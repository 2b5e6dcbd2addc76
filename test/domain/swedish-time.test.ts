import { describe, it, expect } from 'vitest';
import { mentionsDate, parseTimeRange, parseEndTime, type TimeContext, type TimeRange } from '../../src/domain/swedish-time.js';

/*
 * Expected values are worked out by hand against the calendar:
 * 24 Nov 2026 is a Tuesday, 3 Dec 2026 a Thursday; summer time runs from
 * Sunday 29 Mar 2026 (02:00 → 03:00) to Sunday 25 Oct 2026 (03:00 → 02:00).
 * 2026 has an ISO week 53 (Mon 28 Dec 2026); week 1 of 2027 starts Mon 4 Jan.
 */
const at = (iso: string) => new Date(iso);
const NOW = '2026-11-24T09:30:00+01:00'; // the moment the sample pages were fetched
const future = (now = NOW): TimeContext => ({ now: at(now), prefer: 'future' });
const past = (now = NOW): TimeContext => ({ now: at(now), prefer: 'past' });

type Precision = TimeRange['precision'];
interface Row {
  text: string;
  ctx: TimeContext;
  start: string | null;
  end: string | null;
  precision: Precision;
}
const row = (text: string, ctx: TimeContext, start: string | null, end: string | null, precision: Precision): Row => ({
  text,
  ctx,
  start,
  end,
  precision,
});

function check(r: Row): void {
  expect(parseTimeRange(r.text, r.ctx)).toEqual({
    start: r.start,
    end: r.end,
    precision: r.precision,
    noForecast: false,
    unreadable: false,
  });
}

describe('parseTimeRange: ISO forms', () => {
  it.each([
    row('2026-12-08', future(), '2026-12-08T00:00:00+01:00', '2026-12-09T00:00:00+01:00', 'day'),
    row('2026-12-08 kl. 06.00', future(), '2026-12-08T06:00:00+01:00', null, 'minute'),
    row('2026-12-08 06:00', future(), '2026-12-08T06:00:00+01:00', null, 'minute'),
    row('2026-11-24T08:40:00+01:00', past(), '2026-11-24T08:40:00+01:00', null, 'minute'),
    row('2026-11-24T07:40:00Z', past(), '2026-11-24T08:40:00+01:00', null, 'minute'),
    row('2026-06-01T12:00:00+01:00', past(), '2026-06-01T13:00:00+02:00', null, 'minute'),
    row('2026-12-08T06:00', future(), '2026-12-08T06:00:00+01:00', null, 'minute'),
    row('Tue, 24 Nov 2026 08:00:00 +0100', past(), '2026-11-24T08:00:00+01:00', null, 'minute'),
    row('2026-12-08 kl. 22.00 – 2026-12-09 kl. 04.00', future(), '2026-12-08T22:00:00+01:00', '2026-12-09T04:00:00+01:00', 'minute'),
    row('2026-10-29 & 2026-10-30', past(), '2026-10-29T00:00:00+01:00', '2026-10-31T00:00:00+01:00', 'day'),
  ])('$text', check);
});

describe('parseTimeRange: clock times and ranges', () => {
  it.each([
    row('kl. 07:00', future(), '2026-11-24T07:00:00+01:00', null, 'minute'),
    row('07.20', past(), '2026-11-24T07:20:00+01:00', null, 'minute'),
    row('kl 23.00', future(), '2026-11-24T23:00:00+01:00', null, 'minute'),
    row('kl. 8', future(), '2026-11-24T08:00:00+01:00', null, 'minute'),
    row('22:00–02:00', future(), '2026-11-24T22:00:00+01:00', '2026-11-25T02:00:00+01:00', 'minute'),
    row('18.00 - 23.00', future(), '2026-11-24T18:00:00+01:00', '2026-11-24T23:00:00+01:00', 'minute'),
    row('kl 23.00 till senast 07.00', future(), '2026-11-24T23:00:00+01:00', '2026-11-25T07:00:00+01:00', 'minute'),
    row('8 december 2026 kl. 10.00 och 12.00', future(), '2026-12-08T10:00:00+01:00', '2026-12-08T12:00:00+01:00', 'minute'),
    row('8 december 2026 kl. 22.00–24.00', future(), '2026-12-08T22:00:00+01:00', '2026-12-09T00:00:00+01:00', 'minute'),
    row('8 december 2026 kl. 14–16', future(), '2026-12-08T14:00:00+01:00', '2026-12-08T16:00:00+01:00', 'minute'),
    // equal clock times: the end is the next day
    row('8 december 2026 kl. 06.00–06.00', future(), '2026-12-08T06:00:00+01:00', '2026-12-09T06:00:00+01:00', 'minute'),
    // a bare time still ahead of now, for an incident, was yesterday
    row('kl 23.00', past(), '2026-11-23T23:00:00+01:00', null, 'minute'),
    row('Sedan 07.20', past('2026-11-24T06:00:00+01:00'), '2026-11-23T07:20:00+01:00', null, 'minute'),
  ])('$text', check);
});

describe('parseTimeRange: written dates', () => {
  it.each([
    row('tisdag 8 december 2026', future(), '2026-12-08T00:00:00+01:00', '2026-12-09T00:00:00+01:00', 'day'),
    row('Torsdagen den 3 december', future(), '2026-12-03T00:00:00+01:00', '2026-12-04T00:00:00+01:00', 'day'),
    row('8 dec', future(), '2026-12-08T00:00:00+01:00', '2026-12-09T00:00:00+01:00', 'day'),
    row('8 Dec.', future(), '2026-12-08T00:00:00+01:00', '2026-12-09T00:00:00+01:00', 'day'),
    row('3 SEPT 2026', past(), '2026-09-03T00:00:00+02:00', '2026-09-04T00:00:00+02:00', 'day'),
    row('1 mars 2026', past(), '2026-03-01T00:00:00+01:00', '2026-03-02T00:00:00+01:00', 'day'),
    row('8 december kl. 06.00', future(), '2026-12-08T06:00:00+01:00', null, 'minute'),
    row('måndag 23 november 2026 kl. 14:10', past(), '2026-11-23T14:10:00+01:00', null, 'minute'),
    row('24 november 2026 kl. 08.40', past(), '2026-11-24T08:40:00+01:00', null, 'minute'),
    row('8 december kl. 22.00 till 9 december kl. 04.00', future(), '2026-12-08T22:00:00+01:00', '2026-12-09T04:00:00+01:00', 'minute'),
    row('14–15 december 2026', future(), '2026-12-14T00:00:00+01:00', '2026-12-16T00:00:00+01:00', 'day'),
    row('14 och 15 december 2026', future(), '2026-12-14T00:00:00+01:00', '2026-12-16T00:00:00+01:00', 'day'),
    row('14 dec – 15 dec', future(), '2026-12-14T00:00:00+01:00', '2026-12-16T00:00:00+01:00', 'day'),
    row('28 dec – 3 jan 2027', future(), '2026-12-28T00:00:00+01:00', '2027-01-04T00:00:00+01:00', 'day'),
    row('14–15 december 2026 (vecka 51)', future(), '2026-12-14T00:00:00+01:00', '2026-12-16T00:00:00+01:00', 'day'),
  ])('$text', check);
});

describe('parseTimeRange: year inference', () => {
  it.each([
    row('8 jan', future('2026-12-28T12:00:00+01:00'), '2027-01-08T00:00:00+01:00', '2027-01-09T00:00:00+01:00', 'day'),
    row('28 dec', past('2027-01-03T12:00:00+01:00'), '2026-12-28T00:00:00+01:00', '2026-12-29T00:00:00+01:00', 'day'),
    // future: up to a week back still counts as this year's occurrence
    row('20 nov', future(), '2026-11-20T00:00:00+01:00', '2026-11-21T00:00:00+01:00', 'day'),
    row('10 nov', future(), '2027-11-10T00:00:00+01:00', '2027-11-11T00:00:00+01:00', 'day'),
    // past: up to a day ahead still counts as this year's occurrence
    row('25 nov', past(), '2026-11-25T00:00:00+01:00', '2026-11-26T00:00:00+01:00', 'day'),
    row('30 nov', past(), '2025-11-30T00:00:00+01:00', '2025-12-01T00:00:00+01:00', 'day'),
    // a named weekday picks the one year it fits (3 Dec: 2025 Wed, 2026 Thu, 2027 Fri)
    row('torsdag 3 december', past('2026-01-10T12:00:00+01:00'), '2026-12-03T00:00:00+01:00', '2026-12-04T00:00:00+01:00', 'day'),
    row('onsdag 3 december', future(), '2025-12-03T00:00:00+01:00', '2025-12-04T00:00:00+01:00', 'day'),
    row('fredag 3 december', past(), '2027-12-03T00:00:00+01:00', '2027-12-04T00:00:00+01:00', 'day'),
  ])('$text ($ctx.prefer, $ctx.now)', check);
});

describe('parseTimeRange: weeks', () => {
  it.each([
    row('vecka 51', future(), '2026-12-14T00:00:00+01:00', '2026-12-21T00:00:00+01:00', 'week'),
    row('v. 51', future(), '2026-12-14T00:00:00+01:00', '2026-12-21T00:00:00+01:00', 'week'),
    row('v 51', future(), '2026-12-14T00:00:00+01:00', '2026-12-21T00:00:00+01:00', 'week'),
    row('Vecka 3 2027', future(), '2027-01-18T00:00:00+01:00', '2027-01-25T00:00:00+01:00', 'week'),
    row('Vecka 3', future(), '2027-01-18T00:00:00+01:00', '2027-01-25T00:00:00+01:00', 'week'),
    row('vecka 53 2026', future(), '2026-12-28T00:00:00+01:00', '2027-01-04T00:00:00+01:00', 'week'),
    row('vecka 53', future(), '2026-12-28T00:00:00+01:00', '2027-01-04T00:00:00+01:00', 'week'),
    row('vecka 1 2026', past(), '2025-12-29T00:00:00+01:00', '2026-01-05T00:00:00+01:00', 'week'),
    row('vecka 1', future('2026-12-30T12:00:00+01:00'), '2027-01-04T00:00:00+01:00', '2027-01-11T00:00:00+01:00', 'week'),
    row('vecka 53', past('2027-01-02T12:00:00+01:00'), '2026-12-28T00:00:00+01:00', '2027-01-04T00:00:00+01:00', 'week'),
    row('vecka 1', past('2027-01-02T12:00:00+01:00'), '2025-12-29T00:00:00+01:00', '2026-01-05T00:00:00+01:00', 'week'),
    row('vecka 14 2026', future(), '2026-03-30T00:00:00+02:00', '2026-04-06T00:00:00+02:00', 'week'),
  ])('$text ($ctx.prefer, $ctx.now)', check);
});

describe('parseTimeRange: night windows and DST', () => {
  it.each([
    row(
      'Natten mot torsdag 3 december 2026, kl. 22:00–02:00',
      future(),
      '2026-12-02T22:00:00+01:00',
      '2026-12-03T02:00:00+01:00',
      'minute',
    ),
    row('Natten mot söndag 25 oktober 2026, kl. 01:00–04:00', past(), '2026-10-25T01:00:00+02:00', '2026-10-25T04:00:00+01:00', 'minute'),
    row('Natten mot söndag 29 mars 2026, kl. 22:00–04:00', past(), '2026-03-28T22:00:00+01:00', '2026-03-29T04:00:00+02:00', 'minute'),
    row(
      'lördag 28 mars 2026 kl. 22.00 – söndag 29 mars kl. 04.00',
      past(),
      '2026-03-28T22:00:00+01:00',
      '2026-03-29T04:00:00+02:00',
      'minute',
    ),
    row(
      '24 oktober 2026 kl. 22.00 – 25 oktober 2026 kl. 04.00',
      past(),
      '2026-10-24T22:00:00+02:00',
      '2026-10-25T04:00:00+01:00',
      'minute',
    ),
    row('2026-03-28 kl. 23.00 – 03.00', past(), '2026-03-28T23:00:00+01:00', '2026-03-29T03:00:00+02:00', 'minute'),
    // 02:30 does not exist on 29 March; luxon moves it forward an hour
    row('29 mars 2026 kl. 02.30', past(), '2026-03-29T03:30:00+02:00', null, 'minute'),
    row('Natten mot torsdag 3 december 2026', future(), '2026-12-02T00:00:00+01:00', '2026-12-04T00:00:00+01:00', 'day'),
  ])('$text', check);
});

describe('parseTimeRange: relative days', () => {
  it.each([
    row('idag', past(), '2026-11-24T00:00:00+01:00', '2026-11-25T00:00:00+01:00', 'day'),
    row('i dag kl. 14.00', future(), '2026-11-24T14:00:00+01:00', null, 'minute'),
    row('igår', past(), '2026-11-23T00:00:00+01:00', '2026-11-24T00:00:00+01:00', 'day'),
    row('i går 22:00–02:00', past(), '2026-11-23T22:00:00+01:00', '2026-11-24T02:00:00+01:00', 'minute'),
    row('i morgon', future(), '2026-11-25T00:00:00+01:00', '2026-11-26T00:00:00+01:00', 'day'),
    row('imorgon kl 06:00–08:00', future(), '2026-11-25T06:00:00+01:00', '2026-11-25T08:00:00+01:00', 'minute'),
    row('Sedan 07.20 idag', past(), '2026-11-24T07:20:00+01:00', null, 'minute'),
    row('Sedan 07.20', past(), '2026-11-24T07:20:00+01:00', null, 'minute'),
  ])('$text', check);
});

describe('parseTimeRange: English dates', () => {
  it.each([
    row('May 1, 2026', past(), '2026-05-01T00:00:00+02:00', '2026-05-02T00:00:00+02:00', 'day'),
    row('Jun 4, 2026 15:32 CEST', past(), '2026-06-04T15:32:00+02:00', null, 'minute'),
    row('Dec 8, 2026 06:00 CET', future(), '2026-12-08T06:00:00+01:00', null, 'minute'),
    row('1 May 2026', past(), '2026-05-01T00:00:00+02:00', '2026-05-02T00:00:00+02:00', 'day'),
  ])('$text', check);
});

describe('parseTimeRange: strings from the sample pages, verbatim', () => {
  it.each([
    // inera/driftstatus.html
    row('24 november 2026 kl. 08.40', past(), '2026-11-24T08:40:00+01:00', null, 'minute'),
    row('2026-11-24 kl. 07:55', past(), '2026-11-24T07:55:00+01:00', null, 'minute'),
    row('måndag 23 november 2026 kl. 16:45', past(), '2026-11-23T16:45:00+01:00', null, 'minute'),
    row('Senast uppdaterad: tisdag 24 november 2026 09:15', past(), '2026-11-24T09:15:00+01:00', null, 'minute'),
    // inera/kommande-atgarder.html
    row(
      'Natten mot torsdag 3 december 2026, kl. 22:00–02:00',
      future(),
      '2026-12-02T22:00:00+01:00',
      '2026-12-03T02:00:00+01:00',
      'minute',
    ),
    row('2026-12-08 kl. 07.30', future(), '2026-12-08T07:30:00+01:00', null, 'minute'),
    row('lördag 28 november 2026 kl. 18.00 - 23.00', future(), '2026-11-28T18:00:00+01:00', '2026-11-28T23:00:00+01:00', 'minute'),
    // inera/planeringskalendern.html
    row('Tisdag 8 december 2026, kl. 06.00–07.30', future(), '2026-12-08T06:00:00+01:00', '2026-12-08T07:30:00+01:00', 'minute'),
    row(
      '14–15 december 2026 (vecka 51). Exakt tid meddelas under Kommande åtgärder.',
      future(),
      '2026-12-14T00:00:00+01:00',
      '2026-12-16T00:00:00+01:00',
      'day',
    ),
    row('Release Pascal, vecka 51', future(), '2026-12-14T00:00:00+01:00', '2026-12-21T00:00:00+01:00', 'week'),
    row('Vecka 3 2027', future(), '2027-01-18T00:00:00+01:00', '2027-01-25T00:00:00+01:00', 'week'),
    // ehm/driftinformation-*.xml descriptions
    row(
      'Servicefönster torsdag 3 december 2026 kl 23.00 till senast 07.00. Under tiden kan e-recept inte hämtas på apotek.',
      future(),
      '2026-12-03T23:00:00+01:00',
      '2026-12-04T07:00:00+01:00',
      'minute',
    ),
    row(
      'Sedan 07.20 idag svarar tjänsten långsamt. Felsökning pågår.',
      past('2026-11-24T07:45:00+01:00'),
      '2026-11-24T07:20:00+01:00',
      null,
      'minute',
    ),
    row(
      'Sedan 07.20 svarade tjänsten långsamt. Felet åtgärdades 09.05 och tjänsten fungerar normalt.',
      past('2026-11-24T09:10:00+01:00'),
      '2026-11-24T07:20:00+01:00',
      '2026-11-24T09:05:00+01:00',
      'minute',
    ),
  ])('$text', check);
});

describe('parseTimeRange: dates and ranges in running text', () => {
  it.each([
    // Inera's maintenance notice for Intygstjänster, verbatim; 13 June 2024 was a Thursday.
    row(
      'Torsdagen den 13 juni mellan kl. 07:00 - 08:00 görs tekniskt underhåll av Intygstjänster',
      future('2024-06-01T12:00:00+02:00'),
      '2024-06-13T07:00:00+02:00',
      '2024-06-13T08:00:00+02:00',
      'minute',
    ),
    row(
      'Torsdagen den 3 december mellan kl. 07:00 - 08:00 görs tekniskt underhåll av Intygstjänster.',
      future(),
      '2026-12-03T07:00:00+01:00',
      '2026-12-03T08:00:00+01:00',
      'minute',
    ),
    row(
      'Tisdagen den 8 december mellan 07.00 och 08.00 uppgraderas Webcert.',
      future(),
      '2026-12-08T07:00:00+01:00',
      '2026-12-08T08:00:00+01:00',
      'minute',
    ),
    row(
      'Den 13 juni mellan kl. 07:00 och kl. 08:00 görs underhåll.',
      future('2024-06-01T12:00:00+02:00'),
      '2024-06-13T07:00:00+02:00',
      '2024-06-13T08:00:00+02:00',
      'minute',
    ),
    row(
      'Måndagen den 14 december kl 23.00 till senast 07.00 genomförs ett servicefönster i NPÖ.',
      future(),
      '2026-12-14T23:00:00+01:00',
      '2026-12-15T07:00:00+01:00',
      'minute',
    ),
    row(
      'Söndagen den 13 december, mellan klockan 07.00 och 09.00, uppdateras Pascal.',
      future(),
      '2026-12-13T07:00:00+01:00',
      '2026-12-13T09:00:00+01:00',
      'minute',
    ),
    row(
      'Från kl. 22.00 den 8 december till kl. 02.00 den 9 december pågår underhåll av NPÖ.',
      future(),
      '2026-12-08T22:00:00+01:00',
      '2026-12-09T02:00:00+01:00',
      'minute',
    ),
    row(
      'Intygstjänster uppdateras till version 7.4.1 torsdagen den 10 december mellan kl. 07:00 - 08:00.',
      future(),
      '2026-12-10T07:00:00+01:00',
      '2026-12-10T08:00:00+01:00',
      'minute',
    ),
    row(
      'Tekniskt underhåll görs onsdagen den 9 december 2026 mellan klockan 21.00 och 23.30. Under tiden går det inte att logga in. Nästa uppdatering sker kl 10.00.',
      future(),
      '2026-12-09T21:00:00+01:00',
      '2026-12-09T23:30:00+01:00',
      'minute',
    ),
    row(
      'Onsdag 9 december 2026 mellan kl. 22:00 och 24:00 görs underhåll.',
      future(),
      '2026-12-09T22:00:00+01:00',
      '2026-12-10T00:00:00+01:00',
      'minute',
    ),
    row(
      'Natten mot tisdag 8 december, kl. 23.00 till senast 04.00, uppgraderas Pascal till en ny version.',
      future(),
      '2026-12-07T23:00:00+01:00',
      '2026-12-08T04:00:00+01:00',
      'minute',
    ),
  ])('$text', check);
});

describe('mentionsDate', () => {
  it.each([
    ['Torsdagen den 13 juni mellan kl. 07:00 - 08:00 görs underhåll', true],
    ['Underhåll 2026-12-08 kl. 06.00', true],
    ['Servicefönster vecka 51', true],
    ['Nästa uppdatering kl. 10.00', false],
    ['Vi återkommer i morgon med mer information', false],
    ['Intygstjänster har använts sedan 2015', false],
    ['Version 7.4.1 släpps snart', false],
  ])('%s → %s', (text, expected) => expect(mentionsDate(text)).toBe(expected));
});

describe('parseTimeRange: sentences with stray times', () => {
  it.each([
    row(
      'Uppdaterad 09:15. Servicefönster 8 december 2026 kl. 22.00–02.00.',
      future(),
      '2026-12-08T22:00:00+01:00',
      '2026-12-09T02:00:00+01:00',
      'minute',
    ),
    row('Servicefönster 8 december 2026. Uppdaterad 09:15.', future(), '2026-12-08T00:00:00+01:00', '2026-12-09T00:00:00+01:00', 'day'),
    row('kl 23.00 till 07.00 den 3 december 2026', future(), '2026-12-03T23:00:00+01:00', '2026-12-04T07:00:00+01:00', 'minute'),
    row(
      'Start 2026-12-08 kl. 06.00 Slut 2026-12-08 kl. 07.30',
      future(),
      '2026-12-08T06:00:00+01:00',
      '2026-12-08T07:30:00+01:00',
      'minute',
    ),
  ])('$text', check);
});

describe('parseTimeRange: end-only sentences', () => {
  it.each([
    row('Felet åtgärdades 09.05', past('2026-11-24T09:10:00+01:00'), null, '2026-11-24T09:05:00+01:00', 'minute'),
    row(
      'Start 24 november 2026 kl. 08.40 Slut 24 november 2026 kl. 10.00',
      past(),
      '2026-11-24T08:40:00+01:00',
      '2026-11-24T10:00:00+01:00',
      'minute',
    ),
  ])('$text', check);
});

describe('parseTimeRange: no forecast', () => {
  const NONE = { start: null, end: null, precision: null, noForecast: true, unreadable: false };
  it.each(['Prognos saknas', 'ingen prognos', 'Okänd', 'Prognos: okänd', 'Beräknas klart Prognos saknas'])('%s', (text) => {
    expect(parseTimeRange(text, past())).toEqual(NONE);
  });
  it('keeps a start read from the same text', () => {
    expect(parseTimeRange('Sedan 07.20 idag. Prognos saknas.', past())).toEqual({
      start: '2026-11-24T07:20:00+01:00',
      end: null,
      precision: 'minute',
      noForecast: true,
      unreadable: false,
    });
  });
});

describe('parseTimeRange: unreadable', () => {
  const UNREADABLE = { start: null, end: null, precision: null, noForecast: false, unreadable: true };
  it.each([
    '',
    'Exakt tid meddelas senare',
    'Nytt datum meddelas senare.',
    'Release 1177 inkorg 2026.4',
    '8.12',
    'version 10.12 släpps',
    'API v2',
    'December 2026',
    'Tjänst 1177 journal',
    'Prio 1',
    'torsdag',
    '31 november 2026',
    'vecka 53 2027',
    'kl. 25.00',
    '10.000 användare',
    '1-2 timmar',
  ])('%j', (text) => {
    expect(parseTimeRange(text, future())).toEqual(UNREADABLE);
  });
});

describe('parseEndTime', () => {
  const cases: [string, string | null, TimeContext, string | null, Precision][] = [
    ['2026-11-24 kl. 12.00', '2026-11-24T07:55:00+01:00', past(), '2026-11-24T12:00:00+01:00', 'minute'],
    ['måndag 23 november 2026 kl. 16:45', '2026-11-23T14:10:00+01:00', past(), '2026-11-23T16:45:00+01:00', 'minute'],
    ['12.00', '2026-11-24T07:55:00+01:00', past(), '2026-11-24T12:00:00+01:00', 'minute'],
    ['kl. 16:45', '2026-11-23T14:10:00+01:00', past(), '2026-11-23T16:45:00+01:00', 'minute'],
    // not after the start: the next day
    ['02.00', '2026-12-02T22:00:00+01:00', future(), '2026-12-03T02:00:00+01:00', 'minute'],
    ['kl 04.00', '2026-03-28T22:00:00+01:00', future(), '2026-03-29T04:00:00+02:00', 'minute'],
    // no start: today
    ['kl. 16:45', null, future(), '2026-11-24T16:45:00+01:00', 'minute'],
    // a date alone ends at the following midnight
    ['2026-12-09', null, future(), '2026-12-10T00:00:00+01:00', 'day'],
    // a missing year follows the start
    ['9 jan kl. 06.00', '2026-12-30T22:00:00+01:00', future(), '2027-01-09T06:00:00+01:00', 'minute'],
    ['Beräknas klart 2026-11-24 kl. 12.00', '2026-11-24T07:55:00+01:00', past(), '2026-11-24T12:00:00+01:00', 'minute'],
    ['2026-11-24T12:00:00+01:00', null, past(), '2026-11-24T12:00:00+01:00', 'minute'],
  ];
  it.each(cases)('%s (start %s)', (text, startIso, ctx, end, precision) => {
    expect(parseEndTime(text, startIso, ctx)).toEqual({ start: null, end, precision, noForecast: false, unreadable: false });
  });

  it('reads "Prognos saknas" as no forecast', () => {
    expect(parseEndTime('Prognos saknas', '2026-11-24T08:40:00+01:00', past())).toEqual({
      start: null,
      end: null,
      precision: null,
      noForecast: true,
      unreadable: false,
    });
  });

  it('never invents an end', () => {
    expect(parseEndTime('Meddelas senare', '2026-11-24T08:40:00+01:00', past())).toEqual({
      start: null,
      end: null,
      precision: null,
      noForecast: false,
      unreadable: true,
    });
  });
});
