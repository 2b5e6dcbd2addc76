import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/store/db.js';
import { ensureSecret, getSetting, setSetting, UNSUBSCRIBE_SECRET } from '../../src/store/settings.repo.js';
import {
  confirmSubscription,
  deleteSubscription,
  getSubscriptionByEmail,
  getSubscriptionByToken,
  getSuppression,
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
  it('keeps one row per address, edited in place with the same token', () => {
    const first = upsertSubscription(
      db,
      { email: 'Anna.Berg@RegionUppsala.example', services: ['1177-journal'], cadence: 'daily', kinds: [...ALL_KINDS] },
      T1,
    );
    expect(first).toMatchObject({ confirmed: false, createdAt: T1, updatedAt: T1, services: ['1177-journal'] });
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const edited = upsertSubscription(
      db,
      { email: 'anna.berg@regionuppsala.example', services: ['npo', 'npo', 'siths'], cadence: 'weekly', kinds: ['release'] },
      T2,
    );
    expect(listSubscriptions(db)).toHaveLength(1);
    expect(edited).toMatchObject({
      id: first.id,
      token: first.token,
      email: 'Anna.Berg@RegionUppsala.example',
      services: ['npo', 'siths'],
      cadence: 'weekly',
      kinds: ['release'],
      createdAt: T1,
      updatedAt: T2,
    });
    expect(getSubscriptionByEmail(db, 'ANNA.BERG@regionuppsala.example')?.id).toBe(first.id);
    expect(getSubscriptionByToken(db, first.token)?.email).toBe('Anna.Berg@RegionUppsala.example');
    expect(getSubscriptionByToken(db, 'no-such-token')).toBeUndefined();
  });

  it('gives every address its own token', () => {
    const a = upsertSubscription(db, { email: 'a@x.example', services: [], cadence: 'daily', kinds: ['release'] }, T1);
    const b = upsertSubscription(db, { email: 'b@x.example', services: [], cadence: 'daily', kinds: ['release'] }, T1);
    expect(a.token).not.toBe(b.token);
  });

  it('confirms by token, and an edit without `confirmed` keeps the state', () => {
    const s = upsertSubscription(db, { email: 'a@x.example', services: ['npo'], cadence: 'immediate', kinds: ['disruption'] }, T1);
    expect(listSubscriptions(db, { confirmedOnly: true })).toEqual([]);
    expect(confirmSubscription(db, s.token, T2)).toMatchObject({ confirmed: true, updatedAt: T2 });
    expect(confirmSubscription(db, 'unknown', T2)).toBeUndefined();
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
    const emails = (ids: string[], kind: 'disruption' | 'maintenance' | 'release') =>
      subscribersFor(db, ids, kind).map((s) => s.email);
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
    expect(getSuppression(db, 'a@x.example')).toEqual({ email: 'A@x.example', reason: 'one-click unsubscribe', createdAt: T1 });
    expect(unsuppress(db, 'a@x.example')).toBe(true);
    expect(unsuppress(db, 'a@x.example')).toBe(false);
    expect(isSuppressed(db, 'A@x.example')).toBe(false);
  });
});

describe('settings', () => {
  it('stores values and makes the unsubscribe secret once', () => {
    expect(getSetting(db, 'x')).toBeUndefined();
    setSetting(db, 'x', '1');
    setSetting(db, 'x', '2');
    expect(getSetting(db, 'x')).toBe('2');
    const secret = ensureSecret(db);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(ensureSecret(db)).toBe(secret);
    expect(getSetting(db, UNSUBSCRIBE_SECRET)).toBe(secret);
  });
});
