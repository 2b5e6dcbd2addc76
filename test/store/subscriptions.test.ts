import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/store/db.js';
import { ensureSecret, getSetting, UNSUBSCRIBE_SECRET } from '../../src/store/settings.repo.js';
import {
  deleteSubscription,
  getSubscriptionByEmail,
  isSuppressed,
  listSubscriptions,
  subscribersFor,
  suppress,
  unsuppress,
  upsertSubscription,
} from '../../src/store/subscriptions.repo.js';

const T1 = '2026-11-24T08:30:00.000Z';
const T2 = '2026-11-25T08:30:00.000Z';
const ALL_KINDS = ['disruption', 'maintenance', 'release'] as const;

let dir: string;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'driftkoll-subs-'));
  db = openDb(join(dir, 'test.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('subscriptions', () => {
  it('keeps one row per address, edited in place', () => {
    const first = upsertSubscription(
      db,
      { email: 'Anna.Berg@RegionUppsala.example', services: ['1177-journal'], cadence: 'daily', kinds: [...ALL_KINDS] },
      T1,
    );
    expect(first).toMatchObject({ confirmed: false, createdAt: T1, updatedAt: T1, services: ['1177-journal'] });

    const edited = upsertSubscription(
      db,
      { email: 'anna.berg@regionuppsala.example', services: ['npo', 'npo', 'siths'], cadence: 'weekly', kinds: ['release'] },
      T2,
    );
    expect(listSubscriptions(db)).toHaveLength(1);
    expect(edited).toMatchObject({
      id: first.id,
      email: 'Anna.Berg@RegionUppsala.example',
      services: ['npo', 'siths'],
      cadence: 'weekly',
      kinds: ['release'],
      createdAt: T1,
      updatedAt: T2,
    });
    expect(getSubscriptionByEmail(db, 'ANNA.BERG@regionuppsala.example')?.id).toBe(first.id);
  });

  it('is unconfirmed when new, and an edit without `confirmed` keeps the state', () => {
    upsertSubscription(db, { email: 'a@x.example', services: ['npo'], cadence: 'immediate', kinds: ['disruption'] }, T1);
    expect(listSubscriptions(db, { confirmedOnly: true })).toEqual([]);
    upsertSubscription(db, { email: 'a@x.example', services: ['npo'], cadence: 'immediate', kinds: ['disruption'], confirmed: true }, T2);
    expect(getSubscriptionByEmail(db, 'a@x.example')).toMatchObject({ confirmed: true, updatedAt: T2 });
    upsertSubscription(db, { email: 'A@x.example', services: ['siths'], cadence: 'immediate', kinds: ['disruption'] }, T2);
    expect(getSubscriptionByEmail(db, 'a@x.example')?.confirmed).toBe(true);
    upsertSubscription(db, { email: 'a@x.example', services: ['siths'], cadence: 'daily', kinds: ['disruption'], confirmed: false }, T2);
    expect(getSubscriptionByEmail(db, 'a@x.example')?.confirmed).toBe(false);
    expect(listSubscriptions(db, { confirmedOnly: true })).toEqual([]);
  });

  it('finds confirmed subscribers by service and kind', () => {
    const add = (email: string, services: string[], kinds: ('disruption' | 'maintenance' | 'release')[], confirmed = true) =>
      upsertSubscription(db, { email, services, cadence: 'immediate', kinds, confirmed }, T1);
    add('journal@x.example', ['1177-journal'], ['disruption', 'maintenance']);
    add('npo@x.example', ['npo', 'siths'], ['disruption']);
    add('releases@x.example', ['1177-journal', 'npo'], ['release']);
    add('unconfirmed@x.example', ['1177-journal'], [...ALL_KINDS], false);
    const emails = (ids: string[], kind: 'disruption' | 'maintenance' | 'release') => subscribersFor(db, ids, kind).map((s) => s.email);
    expect(emails(['1177-journal'], 'disruption')).toEqual(['journal@x.example']);
    expect(emails(['1177-journal', 'siths'], 'disruption')).toEqual(['journal@x.example', 'npo@x.example']);
    expect(emails(['npo'], 'release')).toEqual(['releases@x.example']);
    expect(emails(['siths'], 'maintenance')).toEqual([]);
    expect(emails([], 'disruption')).toEqual([]);
  });

  it('deletes by address, case-insensitively', () => {
    upsertSubscription(db, { email: 'a@x.example', services: ['npo'], cadence: 'daily', kinds: ['release'] }, T1);
    expect(deleteSubscription(db, 'A@X.example')).toBe(true);
    expect(deleteSubscription(db, 'a@x.example')).toBe(false);
    expect(listSubscriptions(db)).toEqual([]);
  });
});

describe('suppressions', () => {
  it('round-trips, case-insensitively, keeping the first reason', () => {
    expect(isSuppressed(db, 'a@x.example')).toBe(false);
    expect(suppress(db, 'A@x.example', 'one-click unsubscribe', T1)).toBe(true);
    expect(suppress(db, 'a@x.example', 'bounced', T2)).toBe(false);
    expect(isSuppressed(db, 'a@X.EXAMPLE')).toBe(true);
    expect(db.prepare('SELECT email, reason, created_at AS createdAt FROM suppressions').get()).toEqual({
      email: 'A@x.example',
      reason: 'one-click unsubscribe',
      createdAt: T1,
    });
    expect(unsuppress(db, 'a@x.example')).toBe(true);
    expect(unsuppress(db, 'a@x.example')).toBe(false);
    expect(isSuppressed(db, 'A@x.example')).toBe(false);
  });
});

describe('settings', () => {
  it('makes the unsubscribe secret once', () => {
    expect(getSetting(db, UNSUBSCRIBE_SECRET)).toBeUndefined();
    const secret = ensureSecret(db);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(ensureSecret(db)).toBe(secret);
    expect(getSetting(db, UNSUBSCRIBE_SECRET)).toBe(secret);
  });
});
