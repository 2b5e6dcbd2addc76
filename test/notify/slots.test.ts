import { describe, expect, it } from 'vitest';
import { latestSlot, previousSlot } from '../../src/notify/slots.js';

const at = (iso: string) => new Date(iso);

describe('digest slots (Europe/Stockholm)', () => {
  const daily = '30 7 * * 1-5';
  const weekly = '30 7 * * 1';
  it.each([
    ['2026-11-27T07:30:00+01:00', daily, '2026-11-27T06:30:00.000Z'], // exactly at the slot: that slot
    ['2026-11-27T07:29:59+01:00', daily, '2026-11-26T06:30:00.000Z'], // just before: the previous weekday
    ['2026-11-28T12:00:00+01:00', daily, '2026-11-27T06:30:00.000Z'], // Saturday: Friday's slot
    ['2026-11-30T07:00:00+01:00', daily, '2026-11-27T06:30:00.000Z'], // Monday before 07:30: Friday's
    ['2026-12-02T10:00:00+01:00', weekly, '2026-11-30T06:30:00.000Z'], // Wednesday: Monday's
    ['2026-03-30T08:00:00+02:00', daily, '2026-03-30T05:30:00.000Z'], // after the spring DST change
    ['2026-10-26T08:00:00+01:00', daily, '2026-10-26T06:30:00.000Z'], // after the autumn DST change
  ])('at %s on %s → %s', (now, pattern, expected) => {
    expect(latestSlot(pattern, at(now)).toISOString()).toBe(expected);
  });

  it('the previous slot is one occurrence earlier', () => {
    expect(previousSlot(daily, at('2026-11-30T09:00:00+01:00')).toISOString()).toBe('2026-11-27T06:30:00.000Z');
    expect(previousSlot(weekly, at('2026-11-30T09:00:00+01:00')).toISOString()).toBe('2026-11-23T06:30:00.000Z');
  });
});
