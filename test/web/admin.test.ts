/**
 * The admin console over real HTTP on a real SQLite file: every admin route guarded (found by
 * walking the registered routes), sign-in by a mailed link, sessions, CSRF, poll now, directory
 * upload with preview, subscriptions, the outbox with resend, digest preview and the audit log.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importDirectory, readDirectoryFile } from '../../src/directory/import.js';
import { listAudit } from '../../src/store/audit.repo.js';
import { listUnits } from '../../src/store/directory.repo.js';
import { enqueue, getMessage, listMessages } from '../../src/store/outbox.repo.js';
import { upsertSource } from '../../src/store/sources.repo.js';
import { getSubscriptionByEmail, upsertSubscription } from '../../src/store/subscriptions.repo.js';
import { packagePath } from '../../src/util/paths.js';
import { createLoginLink } from '../../src/web/auth.js';
import { registeredRoutes } from '../../src/web/server.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Client, csrfOf, hiddenValue, startTestWeb, type TestWeb, alertSvevac } from './web-helpers.js';

const ADMIN = 'forvaltare@regionuppsala.example';
const CONTACT = 'smittskydd@regionuppsala.example';
const DIRECTORY = packagePath('defaults', 'region-uppsala.yaml');

describe('admin console', () => {
  let app: TestApp;
  let web: TestWeb;
  let polled: string[];

  beforeEach(async () => {
    app = createTestApp({ admins: [ADMIN.toUpperCase()], sources: [{ id: 's', adapter: 'rss', url: 'https://s.example/feed' }] });
    importDirectory(app.db, readDirectoryFile(DIRECTORY, app.catalogue));
    upsertSource(app.db, { id: 's', adapter: 'rss', url: 'https://s.example/feed' });
    polled = [];
    web = await startTestWeb(app, { pollNow: async (id) => void polled.push(id) });
  });
  afterEach(async () => {
    await web.close();
    app.close();
  });

  /** A client signed in through a login link, as a browser would be. */
  async function signedIn(): Promise<Client> {
    const c = new Client(web.url);
    const link = createLoginLink(app, ADMIN).slice(web.url.length);
    const res = await c.post(link, { _csrf: csrfOf((await c.page(link)).html) });
    expect(res.status).toBe(303);
    return c;
  }

  /** A real alert in the outbox: a Svevac disruption reaches Smittskyddsenheten. */
  async function alertMessage(): Promise<number> {
    await alertSvevac(app);
    return listMessages(app.db, { to: CONTACT })[0]!.id;
  }

  it('redirects an anonymous request to every admin route to the sign-in page, and runs nothing', async () => {
    const routes = registeredRoutes(web.app).filter((r) => r.url.startsWith('/admin') && !r.url.startsWith('/admin/logga-in'));
    expect(routes.length).toBeGreaterThanOrEqual(15);
    expect(routes.map((r) => r.url)).toEqual(
      expect.arrayContaining(['/admin', '/admin/utskick/:id/skicka-igen', '/admin/kallor/:id/hamta']),
    );
    for (const r of routes) {
      const res = await fetch(`${web.url}${r.url.replace(/:[a-z]+/g, 's')}`, {
        method: r.method,
        redirect: 'manual',
        ...(r.method === 'POST' ? { body: 'reason=x&email=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}),
      });
      expect(res.status, `${r.method} ${r.url}`).toBe(303);
      expect(res.headers.get('location'), `${r.method} ${r.url}`).toBe('/admin/logga-in');
    }
    expect(polled).toEqual([]);
    expect(listAudit(app.db, { limit: 10, offset: 0 })).toEqual([]);
  });

  it('mails a login link only to a listed admin, with the same answer for any address', async () => {
    const c = new Client(web.url);
    const answers: string[] = [];
    for (const email of [ADMIN, 'someone@else.example', 'not an address']) {
      const form = await c.page('/admin/logga-in');
      const res = await c.post('/admin/logga-in', { _csrf: csrfOf(form.html), email });
      expect(res.status).toBe(200);
      answers.push((await res.text()).replace(/name="_csrf" value="[^"]+"/g, ''));
    }
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toContain('Om adressen finns bland administratörerna');
    const mails = listMessages(app.db, {});
    expect(mails.map((m) => m.to)).toEqual([ADMIN]);
    expect(mails[0]!.headers['List-Unsubscribe']).toBeUndefined();
    const link = /\/admin\/logga-in\/[A-Za-z0-9_-]{43}/.exec(mails[0]!.text)![0];

    // The link's GET only asks; the POST starts the session, once.
    const confirm = await c.get(link);
    expect(confirm.status).toBe(200);
    expect(confirm.headers.getSetCookie().some((h) => h.startsWith('driftkoll_admin='))).toBe(false);
    // Without the form's CSRF token the button does nothing.
    expect((await c.post(link, {})).status).toBe(403);
    const res = await c.post(link, { _csrf: csrfOf(await confirm.text()) });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin');
    const cookie = res.headers.getSetCookie().find((h) => h.startsWith('driftkoll_admin='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Max-Age=28800/);
    expect(cookie).not.toMatch(/Secure/);
    expect((await c.page('/admin')).html).toContain(`Inloggad som ${ADMIN}`);
    const again = new Client(web.url);
    expect((await again.page(link)).status).toBe(404);
    expect(listAudit(app.db, { limit: 10, offset: 0 })[0]).toMatchObject({ actor: ADMIN, action: 'login' });
  });

  it('ends the session after 8 hours, and on logout', async () => {
    const c = await signedIn();
    expect((await c.get('/admin')).status).toBe(200);
    app.clock.advance(8 * 3_600_000 + 1000);
    expect((await c.get('/admin')).status).toBe(303);

    const d = await signedIn();
    const { html } = await d.page('/admin');
    expect((await d.post('/admin/logga-ut', { _csrf: csrfOf(html) })).headers.get('location')).toBe('/admin/logga-in?ut=1');
    expect((await d.get('/admin')).status).toBe(303);
  });

  it('refuses a login link posted from another site', async () => {
    const c = new Client(web.url);
    const link = createLoginLink(app, ADMIN).slice(web.url.length);
    const csrf = csrfOf((await c.page(link)).html);
    expect((await c.post(link, { _csrf: csrf }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await c.post(link, { _csrf: csrf })).status).toBe(303);
  });

  it('refuses any admin POST without its CSRF token, and changes nothing', async () => {
    upsertSubscription(
      app.db,
      { email: 'anna@staff.example', services: ['npo'], cadence: 'daily', kinds: ['disruption'], confirmed: true },
      '2026-11-01T00:00:00.000Z',
    );
    const c = await signedIn();
    await c.page('/admin/prenumerationer');
    expect((await c.post('/admin/prenumerationer/ta-bort', { email: 'anna@staff.example' })).status).toBe(403);
    expect((await c.post('/admin/prenumerationer/ta-bort', { email: 'anna@staff.example', _csrf: 'forged' })).status).toBe(403);
    expect((await c.post('/admin/kallor/s/hamta', {})).status).toBe(403);
    expect(getSubscriptionByEmail(app.db, 'anna@staff.example')).toBeDefined();
    expect(polled).toEqual([]);

    const { html } = await c.page('/admin/prenumerationer');
    expect(html).toContain('anna@staff.example');
    const res = await c.post('/admin/prenumerationer/ta-bort', { email: 'anna@staff.example', _csrf: csrfOf(html) });
    expect(res.headers.get('location')).toBe('/admin/prenumerationer?klart=borttagen');
    expect(getSubscriptionByEmail(app.db, 'anna@staff.example')).toBeUndefined();
    expect(listAudit(app.db, { limit: 1, offset: 0 })[0]).toMatchObject({ action: 'subscription-removed', target: 'anna@staff.example' });
  });

  it('shows each source’s health and polls one now through the callback', async () => {
    const c = await signedIn();
    const { html } = await c.page('/admin/kallor');
    expect(html).toContain('Senast lyckad');
    expect(html).toContain('Hämta s nu');
    const res = await c.post('/admin/kallor/s/hamta', { _csrf: csrfOf(html) });
    expect(res.headers.get('location')).toBe('/admin/kallor?klart=hamtar');
    expect(polled).toEqual(['s']);
    expect((await c.post('/admin/kallor/okand/hamta', { _csrf: csrfOf(html) })).status).toBe(404);
  });

  it('previews an uploaded directory file without writing, then applies it with the reason logged', async () => {
    const c = await signedIn();
    const { html } = await c.page('/admin/mottagare');
    const before = listUnits(app.db);
    const yaml = readFileSync(DIRECTORY, 'utf8').replace('smittskydd@regionuppsala.example', 'smitta@regionuppsala.example');
    const form = new FormData();
    form.set('_csrf', csrfOf(html));
    form.set('fil', new Blob([yaml], { type: 'text/yaml' }), 'katalog.yaml');
    const preview = await c.postMultipart('/admin/mottagare/forhandsgranska', form);
    expect(preview.status).toBe(200);
    const page = await preview.text();
    expect(page).toContain('Ny kontakt: smittskyddsenheten/smitta@regionuppsala.example');
    expect(page).toContain('Tas bort: kontakten smittskyddsenheten/smittskydd@regionuppsala.example');
    expect(listUnits(app.db)).toEqual(before);

    const applied = await c.post('/admin/mottagare/tillampa', {
      _csrf: csrfOf(page),
      yaml: hiddenValue(page, 'yaml'),
      reason: 'ny funktionsbrevlåda',
    });
    expect(applied.status).toBe(303);
    const emails = listUnits(app.db).flatMap((u) => u.contacts.map((x) => x.email));
    expect(emails).toContain('smitta@regionuppsala.example');
    expect(emails).not.toContain(CONTACT);
    expect(listAudit(app.db, { limit: 1, offset: 0 })[0]).toMatchObject({ action: 'directory-import', reason: 'ny funktionsbrevlåda' });

    const bad = new FormData();
    bad.set('_csrf', csrfOf(page));
    bad.set('fil', new Blob(['administrations: [oops'], { type: 'text/yaml' }), 'trasig.yaml');
    const refused = await c.postMultipart('/admin/mottagare/forhandsgranska', bad);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('Filen kunde inte läsas.');
  });

  it('lists the outbox filtered and paged, shows a message as sent, and resends only with a reason', async () => {
    const id = await alertMessage();
    const original = getMessage(app.db, id)!;
    for (let i = 0; i < 55; i++) enqueue(app.db, { ...original, key: `filler:${i}`, messageId: `<f${i}@x>`, to: `f${i}@staff.example` });
    const c = await signedIn();
    const first = await c.page('/admin/utskick');
    // Handlebars writes = in attributes as &#x3D;, which a browser reads back as =.
    expect(first.html).toContain('<a href="/admin/utskick?sida&#x3D;2">Nästa sida</a>');
    expect((first.html.match(/<tr><td>/g) ?? []).length).toBe(50);
    const filtered = await c.page(`/admin/utskick?mottagare=${encodeURIComponent(CONTACT)}&status=queued&typ=alert`);
    expect(filtered.html).toContain(`<a href="/admin/utskick/${id}">`);
    expect(filtered.html).not.toContain('f1@staff.example');

    const page = await c.page(`/admin/utskick/${id}`);
    expect(page.html).toContain(`<iframe class="mail" title="Utskicket som HTML" sandbox src="/admin/utskick/${id}/html">`);
    expect(page.html).toContain('Störning i Svevac');
    const frame = await c.get(`/admin/utskick/${id}/html`);
    expect(frame.headers.get('content-security-policy')).toContain('sandbox');
    expect(await frame.text()).toBe(original.html);

    const noReason = await c.post(`/admin/utskick/${id}/skicka-igen`, { _csrf: csrfOf(page.html), reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('Skriv varför utskicket ska skickas igen.');
    expect(listMessages(app.db, { kind: 'resend' })).toEqual([]);

    const res = await c.post(`/admin/utskick/${id}/skicka-igen`, {
      _csrf: csrfOf(page.html),
      reason: 'Hamnade i skräpposten',
      to: 'chef@regionuppsala.example',
    });
    expect(res.status).toBe(303);
    const [copy] = listMessages(app.db, { kind: 'resend' });
    expect(copy).toMatchObject({ originalId: id, to: 'chef@regionuppsala.example', reason: 'Hamnade i skräpposten', requestedBy: ADMIN });
    expect(res.headers.get('location')).toBe(`/admin/utskick/${copy!.id}?klart=skickas`);
    expect(listAudit(app.db, { limit: 1, offset: 0 })[0]).toMatchObject({
      actor: ADMIN,
      action: 'resend',
      reason: 'Hamnade i skräpposten',
    });
  });

  it('previews the digest an administration or an address would get now', async () => {
    await alertMessage();
    const c = await signedIn();
    const byUnit = await c.page('/admin/forhandsgranska?forvaltning=smittskyddsenheten');
    expect(byUnit.status).toBe(200);
    expect(byUnit.html).toContain(`Till ${CONTACT}, daglig sammanfattning.`);
    expect(byUnit.html).toContain('Störning i Svevac');
    const frame = await c.get('/admin/forhandsgranska/html?forvaltning=smittskyddsenheten');
    expect(frame.status).toBe(200);
    expect(await frame.text()).toContain('Störning i Svevac');
    const byAddress = await c.page(`/admin/forhandsgranska?adress=${encodeURIComponent(CONTACT)}`);
    expect(byAddress.html).toContain(`Till ${CONTACT}`);
    expect((await c.page('/admin/forhandsgranska?adress=ingen%40staff.example')).html).toContain('Ingen mottagare får en sammanfattning');
    // A preview sends nothing.
    expect(listMessages(app.db, { kind: 'digest' })).toEqual([]);
  });

  it('shows the overview, events and the audit log', async () => {
    await alertMessage();
    const c = await signedIn();
    const home = await c.page('/admin');
    expect(home.html).toContain('Pågående störningar</dt><dd>1</dd>');
    const events = await c.page('/admin/handelser?typ=disruption');
    expect(events.html).toContain('Störning i Svevac');
    expect((await c.page('/admin/handelser?typ=release')).html).toContain('Inga händelser.');
    const log = await c.page('/admin/logg');
    expect(log.html).toContain(`<td>${ADMIN}</td><td>Loggade in</td>`);
  });

  it('marks the session cookie Secure when baseUrl is https', async () => {
    const other = createTestApp({ admins: [ADMIN], baseUrl: 'https://drift.regionuppsala.example' });
    const w = await startTestWeb(other);
    try {
      const c = new Client(w.url);
      const link = createLoginLink(other, ADMIN).slice(w.url.length);
      const res = await c.post(link, { _csrf: csrfOf((await c.page(link)).html) });
      expect(res.headers.getSetCookie().find((h) => h.startsWith('driftkoll_admin='))).toMatch(/; Secure/);
    } finally {
      await w.close();
      other.close();
    }
  });
});
