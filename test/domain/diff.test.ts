/** The pure diff: key matching, soft matching of content-keyed items, and what must not merge. */
import { describe, expect, it } from 'vitest';
import { diffSource, titleSimilarity } from '../../src/domain/diff.js';
import type { Event, EventFields } from '../../src/domain/event.js';

let nextId = 1;
function stored(f: Partial<Event>): Event {
  return {
    id: nextId++,
    sourceId: 's',
    key: 'content:old',
    kind: 'disruption',
    status: 'ongoing',
    title: 'Nationella läkemedelslistan svarar långsamt',
    services: ['nll'],
    start: '2026-11-24T07:20:00+01:00',
    end: null,
    url: null,
    impact: null,
    timeText: null,
    details: null,
    guid: null,
    firstSeenAt: '2026-11-24T06:30:00.000Z',
    lastSeenAt: '2026-11-24T06:30:00.000Z',
    missingPolls: 0,
    vanishedAt: null,
    ...f,
  };
}
function item(f: Partial<EventFields>): EventFields {
  return {
    key: 'content:new',
    kind: 'disruption',
    status: 'ongoing',
    title: 'Nationella läkemedelslistan svarar långsamt',
    services: ['nll'],
    start: '2026-11-24T07:20:00+01:00',
    end: null,
    url: null,
    impact: null,
    timeText: null,
    details: null,
    guid: null,
    ...f,
  };
}
const opts = { vanishAfter: 3 };

describe('diffSource', () => {
  it('matches by key and records the changed fields', () => {
    const e = stored({ key: 'url:x' });
    const plan = diffSource([e], [item({ key: 'url:x', end: '2026-11-24T12:00:00+01:00' })], opts);
    expect(plan.creates).toEqual([]);
    expect(plan.updates[0]!.change).toMatchObject({ type: 'updated', fields: ['end'] });
  });

  it('soft-matches a retitled content-keyed item listed last time (same day)', () => {
    const plan = diffSource([stored({})], [item({ title: 'NLL: långa svarstider för förskrivare' })], opts);
    expect(plan.creates).toEqual([]);
    expect(plan.updates[0]!.change).toMatchObject({ type: 'updated', fields: ['title'] });
  });

  it('does not merge a new item into a vanished or already missing event', () => {
    expect(diffSource([stored({ vanishedAt: '2026-11-20T10:00:00.000Z', missingPolls: 3 })], [item({})], opts).creates).toHaveLength(1);
    expect(diffSource([stored({ missingPolls: 1 })], [item({})], opts).creates).toHaveLength(1);
  });

  it('does not reopen a resolved event as a new ongoing one', () => {
    const plan = diffSource([stored({ status: 'resolved' })], [item({ title: 'Nationella läkemedelslistan svarar inte' })], opts);
    expect(plan.creates).toHaveLength(1);
  });

  it('does not treat two undated items as the same day', () => {
    const plan = diffSource(
      [stored({ start: null, title: 'Förskrivningskollen visar fel' })],
      [item({ start: null, title: 'Inloggning misslyckas för apotek' })],
      opts,
    );
    expect(plan.creates).toHaveLength(1);
  });

  it('never soft-matches items identified by link or GUID', () => {
    const plan = diffSource([stored({ key: 'url:a' })], [item({ key: 'url:b' })], opts);
    expect(plan.creates).toHaveLength(1);
    expect(plan.missing).toEqual([{ event: expect.objectContaining({ key: 'url:a' }), missingPolls: 1, vanishes: false }]);
  });

  it('counts missing polls and vanishes at the threshold, once', () => {
    expect(diffSource([stored({ key: 'url:a', missingPolls: 2 })], [], opts).missing[0]!.vanishes).toBe(true);
    expect(diffSource([stored({ key: 'url:a', missingPolls: 3, vanishedAt: '2026-11-24T08:00:00.000Z' })], [], opts).missing).toEqual([]);
  });

  it('calls a moved planned window rescheduled and a returning one reappeared', () => {
    const w = stored({
      key: 'url:w',
      kind: 'maintenance',
      status: 'planned',
      start: '2026-12-02T22:00:00+01:00',
      end: '2026-12-03T02:00:00+01:00',
    });
    const moved = diffSource(
      [w],
      [
        item({
          key: 'url:w',
          kind: 'maintenance',
          status: 'planned',
          start: '2026-12-03T22:00:00+01:00',
          end: '2026-12-04T02:00:00+01:00',
        }),
      ],
      opts,
    );
    expect(moved.updates[0]!.change).toMatchObject({ type: 'rescheduled', fields: ['start', 'end'] });
    const back = diffSource(
      [{ ...w, vanishedAt: '2026-11-30T08:00:00.000Z', missingPolls: 3 }],
      [item({ key: 'url:w', kind: 'maintenance', status: 'planned', start: w.start, end: w.end })],
      opts,
    );
    expect(back.updates[0]!.change).toMatchObject({ type: 'reappeared', fields: [] });
  });

  it('compares times as instants, not strings', () => {
    const plan = diffSource([stored({ key: 'url:x' })], [item({ key: 'url:x', start: '2026-11-24T06:20:00Z' })], opts);
    expect(plan.updates[0]!.change).toBeNull();
  });

  it('scores title similarity on words, ignoring a status prefix', () => {
    expect(titleSimilarity('Åtgärdat: Störning i 1177 journal', 'Störning i 1177 journal')).toBe(1);
    expect(titleSimilarity('Störning i 1177 journal', 'Uppgradering av Pascal')).toBe(0);
  });
});
