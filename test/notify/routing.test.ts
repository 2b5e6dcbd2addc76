/**
 * Routing rules on a real database: who gets an alert, a reminder, a digest; suppression,
 * kinds, cadences, one message per address, and what a vanished item is worth.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importDirectory, readDirectoryFile } from '../../src/directory/import.js';
import { createRenderer } from '../../src/mail/render.js';
import { notifyPending } from '../../src/notify/alerts.js';
import type { NotifyDeps } from '../../src/notify/compose.js';
import { sendDigests } from '../../src/notify/digests.js';
import { insertChange } from '../../src/store/changes.repo.js';
import type { EventFields } from '../../src/domain/event.js';
import { insertEvent, markEventMissing, updateEventSeen } from '../../src/store/events.repo.js';
import { listMessages } from '../../src/store/outbox.repo.js';
import { upsertSource } from '../../src/store/sources.repo.js';
import { suppress, upsertSubscription } from '../../src/store/subscriptions.repo.js';
import { packagePath } from '../../src/util/paths.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

const base: EventFields = {
  key: 'url:x',
  kind: 'disruption',
  status: 'ongoing',
  title: 'Störning i Svevac',
  services: ['svevac'],
  start: '2026-11-24T08:00:00+01:00',
  end: null,
  url: null,
  impact: null,
  timeText: null,
  details: null,
  guid: null,
};

describe('routing', () => {
  let app: TestApp;
  let deps: NotifyDeps;
  beforeEach(() => {
    // The events' source is configured and named, so the mail names it ("Inera listar inte längre …").
    app = createTestApp({ sources: [{ id: 's', adapter: 'rss', url: 'https://s.example/', name: 'Inera' }] }, '2026-11-24T09:30:00+01:00');
    importDirectory(app.db, readDirectoryFile(packagePath('defaults', 'region-uppsala.yaml'), app.catalogue));
    upsertSource(app.db, { id: 's', adapter: 'rss', url: 'https://s.example/' });
    deps = { ...app, renderer: createRenderer() };
  });
  afterEach(() => app.close());

  const now = () => app.clock.now().toISOString();
  /** Records an event and a change the way a poll does. */
  const record = (
    fields: Partial<EventFields>,
    type: 'created' | 'resolved' | 'vanished' | 'rescheduled' = 'created',
    before: Record<string, unknown> | null = null,
  ) => {
    const f = { ...base, ...fields };
    const id = insertEvent(app.db, 's', f, now());
    insertChange(app.db, { eventId: id, runId: null, type, fields: [], before, at: now(), baseline: false });
    return id;
  };
  const subscribe = (
    email: string,
    services: string[],
    cadence: 'immediate' | 'daily' | 'weekly',
    kinds = ['disruption', 'maintenance', 'release'] as ('disruption' | 'maintenance' | 'release')[],
  ) => upsertSubscription(app.db, { email, services, cadence, kinds, confirmed: true }, now());
  const recipients = (kind?: string) =>
    listMessages(app.db, {})
      .filter((m) => !kind || m.kind === kind)
      .map((m) => m.to)
      .sort();

  it('alerts the contacts of a disruption’s services (Svevac: the "all" units and Smittskydd) and its immediate subscribers', async () => {
    subscribe('anna@staff.example', ['svevac'], 'immediate');
    subscribe('bo@staff.example', ['svevac'], 'daily');
    subscribe('cay@staff.example', ['npo'], 'immediate');
    record({});
    await notifyPending(deps);
    expect(recipients()).toEqual([
      'anna@staff.example',
      'ehalsostrateg@nvoh.regionuppsala.example',
      'etjanstesamordnare@akademiska.regionuppsala.example',
      'ol-it@itc.regionuppsala.example',
      'smittskydd@regionuppsala.example',
      'vardsystem@lasarettet.regionuppsala.example',
    ]);
  });

  it('leaves out a suppressed address, and honours a subscriber’s kinds', async () => {
    suppress(app.db, 'smittskydd@regionuppsala.example', 'unsubscribed', now());
    subscribe('dan@staff.example', ['svevac'], 'immediate', ['maintenance']);
    record({});
    await notifyPending(deps);
    expect(recipients()).not.toContain('smittskydd@regionuppsala.example');
    expect(recipients()).not.toContain('dan@staff.example');
    expect(recipients()).toHaveLength(4);
  });

  it('sends one message to an address that is both a contact and a subscriber, and one per batch of changes', async () => {
    subscribe('smittskydd@regionuppsala.example', ['svevac'], 'immediate');
    record({});
    record({ key: 'url:y', title: 'Svevac svarar långsamt' });
    const r = await notifyPending(deps);
    expect(r).toEqual({ changes: 2, alerts: 5 });
    const mail = listMessages(app.db, { to: 'smittskydd@regionuppsala.example' });
    expect(mail).toHaveLength(1);
    expect(mail[0]!.text).toContain('Störning i Svevac');
    expect(mail[0]!.text).toContain('Svevac svarar långsamt');
  });

  it('sends nothing for a vanished disruption that was already resolved, or a window already past', async () => {
    const resolved = record({ status: 'resolved' });
    const past = record({
      key: 'url:w',
      kind: 'maintenance',
      status: 'planned',
      start: '2026-11-20T22:00:00+01:00',
      end: '2026-11-21T02:00:00+01:00',
    });
    await notifyPending(deps);
    app.db.prepare('DELETE FROM outbox').run();
    for (const id of [resolved, past]) {
      markEventMissing(app.db, id, 3, now());
      insertChange(app.db, {
        eventId: id,
        runId: null,
        type: 'vanished',
        fields: [],
        before: { status: id === past ? 'planned' : 'resolved' },
        at: now(),
        baseline: false,
      });
    }
    expect(await notifyPending(deps)).toEqual({ changes: 2, alerts: 0 });
    // An ongoing one that vanishes is worth a line.
    const ongoing = record({ key: 'url:z' });
    await notifyPending(deps);
    app.db.prepare('DELETE FROM outbox').run();
    markEventMissing(app.db, ongoing, 3, now());
    insertChange(app.db, {
      eventId: ongoing,
      runId: null,
      type: 'vanished',
      fields: [],
      before: { status: 'ongoing' },
      at: now(),
      baseline: false,
    });
    expect((await notifyPending(deps)).alerts).toBe(5);
    expect(listMessages(app.db, {})[0]!.text).toContain('Inera listar inte längre störningen');
  });

  it('gives weekly subscribers Monday digests only, and daily ones each weekday', async () => {
    subscribe('weekly@staff.example', ['svevac'], 'weekly');
    subscribe('daily@staff.example', ['svevac'], 'daily');
    record({});
    app.clock.set('2026-11-25T07:30:00+01:00'); // Wednesday: the scheduler runs only the daily job
    await sendDigests(deps, { cadence: 'daily' });
    expect(recipients('digest')).toContain('daily@staff.example');
    expect(recipients('digest')).not.toContain('weekly@staff.example');
    app.clock.set('2026-11-30T07:30:00+01:00'); // Monday
    await sendDigests(deps, { cadence: 'weekly' });
    expect(recipients('digest').filter((t) => t === 'weekly@staff.example')).toHaveLength(1);
  });

  it('covers only what happened since the previous digest', async () => {
    subscribe('daily@staff.example', ['svevac'], 'daily', ['disruption']);
    const id = record({});
    app.clock.set('2026-11-25T07:30:00+01:00');
    await sendDigests(deps);
    const first = listMessages(app.db, { to: 'daily@staff.example' })[0]!;
    expect(first.text).toMatch(/Pågående störningar/);

    // Resolved during Wednesday: Thursday's digest lists it as resolved since last time.
    app.clock.set('2026-11-25T12:00:00+01:00');
    updateEventSeen(app.db, id, { ...base, status: 'resolved', end: '2026-11-25T11:50:00+01:00' }, now());
    insertChange(app.db, { eventId: id, runId: null, type: 'resolved', fields: ['status'], at: now(), baseline: false });
    app.clock.set('2026-11-26T07:30:00+01:00');
    await sendDigests(deps);
    const second = listMessages(app.db, { to: 'daily@staff.example' })[0]!;
    expect(second.id).not.toBe(first.id);
    expect(second.text).toMatch(/Åtgärdade sedan förra utskicket/);
    expect(second.text).not.toMatch(/Pågående störningar/);

    // Friday: nothing new, nothing ongoing: no digest.
    app.clock.set('2026-11-27T07:30:00+01:00');
    expect((await sendDigests(deps)).enqueued).toBe(0);
    expect(listMessages(app.db, { to: 'daily@staff.example' })).toHaveLength(2);
  });
});
