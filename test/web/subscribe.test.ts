/**
 * Subscribing from the web and managing it from a mail's link, over real HTTP on a real SQLite
 * file: the same answer for every address, nothing active until the link's button, links that
 * expire and work once, rate limits, CSRF, opaque tokens, older signed links, and origin checks.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importDirectory, readDirectoryFile } from '../../src/directory/import.js';
import { addressToken, ensureManageToken } from '../../src/notify/links.js';
import { listMessages } from '../../src/store/outbox.repo.js';
import { ensureSecret } from '../../src/store/settings.repo.js';
import { getSubscriptionByEmail, isSuppressed, suppress, upsertSubscription } from '../../src/store/subscriptions.repo.js';
import { packagePath } from '../../src/util/paths.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Client, csrfOf, startTestWeb, type TestWeb } from './web-helpers.js';

const ANNA = 'anna@staff.example';

describe('subscribe and manage', () => {
  let app: TestApp;
  let web: TestWeb;
  let client: Client;

  beforeEach(async () => {
    app = createTestApp({});
    importDirectory(app.db, readDirectoryFile(packagePath('defaults', 'region-uppsala.yaml'), app.catalogue));
    web = await startTestWeb(app);
    client = new Client(web.url);
  });
  afterEach(async () => {
    await web.close();
    app.close();
  });

  /** Fills in /prenumerera as a browser would: form page first (CSRF cookie and token), then POST. */
  async function subscribe(form: Record<string, string | string[]>, c = client) {
    const { html } = await c.page('/prenumerera');
    return c.post('/prenumerera', { _csrf: csrfOf(html), ...form });
  }
  const confirmLink = (to: string) => {
    const [m] = listMessages(app.db, { to });
    return /\/bekrafta\/([A-Za-z0-9_-]+)/.exec(m?.text ?? '')?.[0];
  };

  it('shows the form with services grouped by provider, in the region’s name', async () => {
    const { status, html } = await client.page('/prenumerera');
    expect(status).toBe(200);
    expect(html).toContain('<legend>Inera</legend>');
    expect(html).toContain('<legend>E-hälsomyndigheten</legend>');
    expect(html).toContain('value="1177-journal"');
    expect(html).toContain('name="kadens" value="veckovis"');
    expect(html).toContain('name="typ" value="servicefönster"');
    expect(html).not.toMatch(/driftkoll/i);
    expect(html).not.toMatch(/<script|style=/);
  });

  it('answers the same page for a new, a pending and a subscribed address, and mails a link; nothing is active yet', async () => {
    upsertSubscription(
      app.db,
      { email: 'old@staff.example', services: ['npo'], cadence: 'daily', kinds: ['disruption'], confirmed: true },
      '2026-11-01T00:00:00.000Z',
    );
    const pages: string[] = [];
    for (const email of [ANNA, ANNA, 'old@staff.example']) {
      const res = await subscribe({ email, tjanst: ['1177-journal', 'npo'], kadens: 'direkt', typ: 'störningar' });
      expect(res.status).toBe(200);
      pages.push((await res.text()).replace(/name="_csrf" value="[^"]+"/g, ''));
    }
    expect(pages[0]).toContain('Kolla din inkorg');
    expect(new Set(pages).size).toBe(1);
    expect(listMessages(app.db, { to: ANNA })).toHaveLength(2);
    const [mail] = listMessages(app.db, { to: ANNA });
    expect(mail?.subject).toBe('Bekräfta din prenumeration på driftinformation');
    expect(mail?.text).toContain('1177 journal och Nationell patientöversikt');
    expect(mail?.headers['List-Unsubscribe']).toMatch(/\/avsluta\/[A-Za-z0-9_-]{43}>/);
    expect(getSubscriptionByEmail(app.db, ANNA)).toBeUndefined();
    // The old subscription is untouched until its owner confirms the new choice.
    expect(getSubscriptionByEmail(app.db, 'old@staff.example')?.services).toEqual(['npo']);
  });

  it('confirms only on the button: GET asks, POST confirms once, and the link then stops working', async () => {
    await subscribe({ email: ANNA, tjanst: ['svevac'], kadens: 'veckovis', typ: ['servicefönster', 'releaser'] });
    const link = confirmLink(ANNA)!;
    const page = await client.page(link);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Bekräfta prenumerationen');
    expect(page.html).toContain('Tjänster: Svevac.');
    expect(getSubscriptionByEmail(app.db, ANNA)).toBeUndefined();

    const res = await client.post(link, {});
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/prenumeration\/[A-Za-z0-9_-]{43}\?klart=bekraftat$/);
    expect(getSubscriptionByEmail(app.db, ANNA)).toMatchObject({
      services: ['svevac'],
      cadence: 'weekly',
      kinds: ['maintenance', 'release'],
      confirmed: true,
    });
    expect((await client.page(res.headers.get('location')!)).html).toContain('Din prenumeration är bekräftad');

    expect((await client.post(link, {})).status).toBe(404);
    expect((await client.page(link)).status).toBe(404);
  });

  it('lets a confirmation link expire after 7 days, and refuses one with a character too many', async () => {
    await subscribe({ email: ANNA, tjanst: ['svevac'], kadens: 'daglig' });
    const link = confirmLink(ANNA)!;
    expect((await client.page(`${link}x`)).status).toBe(404);
    expect((await client.post(`${link}x`, {})).status).toBe(404);
    app.clock.advance(7 * 86_400_000 + 1000);
    expect((await client.page(link)).status).toBe(404);
    expect((await client.post(link, {})).status).toBe(404);
    expect(getSubscriptionByEmail(app.db, ANNA)).toBeUndefined();
    // A day after expiry, the next request clears the dead link away.
    const confirms = () => app.db.prepare(`SELECT COUNT(*) FROM link_tokens WHERE purpose = 'confirm'`).pluck().get();
    expect(confirms()).toBe(1);
    app.clock.advance(86_400_000);
    await subscribe({ email: 'other@staff.example', tjanst: ['svevac'], kadens: 'daglig' });
    expect(confirms()).toBe(1);
  });

  it('refuses a confirmation posted from another site', async () => {
    await subscribe({ email: ANNA, tjanst: ['svevac'], kadens: 'daglig' });
    const link = confirmLink(ANNA)!;
    expect((await client.post(link, {}, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await client.post(link, {}, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect(getSubscriptionByEmail(app.db, ANNA)).toBeUndefined();
  });

  it('re-renders the form with Swedish errors and sends nothing for bad input', async () => {
    const res = await subscribe({ email: 'inte-en-adress', tjanst: ['finns-inte'], kadens: 'ibland' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Skriv en e-postadress');
    expect(html).toContain('Välj tjänster i listan.');
    expect(html).toContain('Välj hur ofta du vill få mejl.');
    expect(listMessages(app.db, {})).toHaveLength(0);
  });

  it('refuses a POST without the CSRF token and changes nothing', async () => {
    await client.page('/prenumerera');
    const res = await client.post('/prenumerera', { email: ANNA, tjanst: 'svevac', kadens: 'daglig' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Inget har ändrats');
    expect(listMessages(app.db, {})).toHaveLength(0);
  });

  it('mails one address at most three links an hour, with the same answer after that', async () => {
    for (let i = 0; i < 5; i++) expect((await subscribe({ email: ANNA, tjanst: 'svevac', kadens: 'daglig' })).status).toBe(200);
    expect(listMessages(app.db, { to: ANNA })).toHaveLength(3);
    app.clock.advance(3_600_000 + 1000);
    await subscribe({ email: ANNA, tjanst: 'svevac', kadens: 'daglig' });
    expect(listMessages(app.db, { to: ANNA })).toHaveLength(4);
  });

  it('limits one client to ten posts in ten minutes (429)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push((await subscribe({ email: `p${i}@staff.example`, tjanst: 'svevac', kadens: 'daglig' })).status);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses[10]).toBe(429);
    expect(listMessages(app.db, {})).toHaveLength(10);
  });

  describe('the manage page', () => {
    let token: string;
    beforeEach(() => {
      upsertSubscription(
        app.db,
        { email: ANNA, services: ['npo'], cadence: 'daily', kinds: ['disruption'], confirmed: true },
        '2026-11-01T00:00:00.000Z',
      );
      token = ensureManageToken(app.db, ANNA, ensureSecret(app.db), '2026-11-01T00:00:00.000Z');
    });

    it('uses opaque tokens that name no address, and refuses one with a character more or less', async () => {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url').toString('latin1')).not.toContain('anna');
      expect((await client.page(`/prenumeration/${token}`)).html).toContain(ANNA);
      for (const bad of [`${token}x`, token.slice(0, -1), `${token}.`, `${token}%20`]) {
        expect((await client.page(`/prenumeration/${bad}`)).status).toBe(404);
        expect((await client.post(`/avsluta/${bad}`, { 'List-Unsubscribe': 'One-Click' })).status).toBe(404);
      }
      expect(isSuppressed(app.db, ANNA)).toBe(false);
    });

    it('still honours a link mailed before opaque tokens, but not one with a part appended', async () => {
      const old = addressToken(ANNA, ensureSecret(app.db));
      expect((await client.page(`/prenumeration/${old}`)).html).toContain(ANNA);
      expect((await client.page(`/prenumeration/${old}.x`)).status).toBe(404);
      expect((await client.page(`/prenumeration/${old}x`)).status).toBe(404);
    });

    it('changes services, cadence and kinds from the form', async () => {
      const res = await client.post(`/prenumeration/${token}`, {
        tjanst: ['svevac', '1177-journal'],
        kadens: 'veckovis',
        typ: ['releaser'],
      });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/prenumeration/${token}?klart=sparat`);
      expect(getSubscriptionByEmail(app.db, ANNA)).toMatchObject({
        services: ['svevac', '1177-journal'],
        cadence: 'weekly',
        kinds: ['release'],
      });
      const page = (await client.page(`/prenumeration/${token}?klart=sparat`)).html;
      expect(page).toContain('Dina val är sparade.');
      expect(page).toContain('Hur ofta: veckovis. Om: releaser.');
      expect(page).toMatch(/value="svevac" checked/);
    });

    it('refuses a change posted from another site, or with no origin at all, and keeps the subscription', async () => {
      for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { origin: '' }] as Record<
        string,
        string
      >[]) {
        const res = await client.post(`/prenumeration/${token}`, { tjanst: 'svevac', kadens: 'direkt' }, headers);
        expect(res.status).toBe(403);
      }
      suppress(app.db, ANNA, 'test', '2026-11-01T00:00:00.000Z');
      expect((await client.post(`/prenumeration/${token}/starta`, {}, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
      expect(isSuppressed(app.db, ANNA)).toBe(true);
      expect(getSubscriptionByEmail(app.db, ANNA)?.services).toEqual(['npo']);
      expect((await client.post(`/prenumeration/${token}/starta`, {}, { 'sec-fetch-site': 'same-origin' })).status).toBe(303);
      expect(isSuppressed(app.db, ANNA)).toBe(false);
    });

    it('removes the subscription, and unsubscribes everything with the one-click POST', async () => {
      expect((await client.post(`/prenumeration/${token}/ta-bort`, {})).status).toBe(303);
      expect(getSubscriptionByEmail(app.db, ANNA)).toBeUndefined();
      // A mail client's one-click POST carries no Origin: the token alone is the proof.
      const res = await fetch(`${web.url}/avsluta/${token}`, {
        method: 'POST',
        body: 'List-Unsubscribe=One-Click',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('Klart. Du får inga fler mejl från Invånartjänster e-hälsa, Region Uppsala.\n');
      expect(isSuppressed(app.db, ANNA)).toBe(true);
    });

    it('unsubscribes on a multipart one-click POST too, and a GET never does', async () => {
      const form = new FormData();
      form.set('List-Unsubscribe', 'One-Click');
      expect((await fetch(`${web.url}/avsluta/${token}`)).status).toBe(200);
      expect(isSuppressed(app.db, ANNA)).toBe(false);
      const res = await fetch(`${web.url}/avsluta/${token}`, { method: 'POST', body: form, redirect: 'manual' });
      expect(res.status).toBe(303);
      expect(isSuppressed(app.db, ANNA)).toBe(true);
    });
  });
});
