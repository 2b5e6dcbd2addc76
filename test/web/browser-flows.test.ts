/**
 * The web app in a real browser (Debian chromium via playwright-core): the whole subscribe flow
 * (form → confirmation mail through the outbox and a loopback SMTP server → confirm → manage →
 * unsubscribe), admin login by link, resend from the outbox with a reason, and the digest
 * preview; axe-core on every page with no serious or critical violation. With
 * DRIFTKOLL_SCREENSHOTS=dir set, the main pages are also saved there as PNG.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDirectory, readDirectoryFile } from '../../src/directory/import.js';
import { drainOutbox } from '../../src/mail/drain.js';
import { createRenderer } from '../../src/mail/render.js';
import { notifyPending } from '../../src/notify/alerts.js';
import { listAudit } from '../../src/store/audit.repo.js';
import { insertChange } from '../../src/store/changes.repo.js';
import { insertEvent } from '../../src/store/events.repo.js';
import { listMessages } from '../../src/store/outbox.repo.js';
import { markSourceHealthy, upsertSource } from '../../src/store/sources.repo.js';
import { getSubscriptionByEmail, isSuppressed } from '../../src/store/subscriptions.repo.js';
import { packagePath } from '../../src/util/paths.js';
import { createLoginLink } from '../../src/web/auth.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { hasBrowser, launchBrowser } from '../helpers/browser.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { startTestWeb, type TestWeb } from './web-helpers.js';

const ADMIN = 'forvaltare@regionuppsala.example';
const ANNA = 'anna.andersson@staff.example';
const SCREENS = process.env.DRIFTKOLL_SCREENSHOTS;

/** Serious and critical axe findings on the page, as "rule: target" lines. */
async function axeProblems(page: Page): Promise<string[]> {
  // The frame showing a sent mail is sandboxed without scripts, so axe cannot run inside it;
  // the mail itself is not a page of ours (its accessibility is the mail templates' concern).
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).exclude('iframe.mail').analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

describe.runIf(hasBrowser())('the web app in a browser', () => {
  let app: TestApp;
  let web: TestWeb;
  let smtp: TestSmtp;
  let browser: Browser;
  let eventId: number;
  const checked: string[] = [];

  /** Runs axe on the page (and saves a screenshot when asked); fails on any serious finding. */
  async function check(page: Page, name: string): Promise<void> {
    expect(await axeProblems(page), `${name} (${page.url()})`).toEqual([]);
    expect(await page.getAttribute('html', 'lang')).toBe('sv');
    expect(await page.locator('h1').count()).toBe(1);
    checked.push(name);
    if (SCREENS) {
      mkdirSync(SCREENS, { recursive: true });
      await page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true });
    }
  }

  beforeAll(async () => {
    app = createTestApp({
      admins: [ADMIN],
      sources: [{ id: 'inera-driftstatus', adapter: 'inera-driftstatus', url: 'https://www.inera.se/driftstatus/' }],
    });
    importDirectory(app.db, readDirectoryFile(packagePath('defaults', 'region-uppsala.yaml'), app.catalogue));
    upsertSource(app.db, { id: 'inera-driftstatus', adapter: 'inera-driftstatus', url: 'https://www.inera.se/driftstatus/' });
    const at = app.clock.now().toISOString();
    markSourceHealthy(app.db, 'inera-driftstatus', at, { itemsFound: 3 });
    const add = (f: Record<string, unknown>) => {
      const id = insertEvent(
        app.db,
        'inera-driftstatus',
        {
          kind: 'maintenance',
          status: 'planned',
          services: [],
          start: null,
          end: null,
          url: null,
          impact: null,
          timeText: null,
          details: null,
          guid: null,
          ...f,
        } as never,
        at,
      );
      insertChange(app.db, { eventId: id, runId: null, type: 'created', fields: [], at, baseline: false });
      return id;
    };
    eventId = add({
      key: 'url:svevac',
      kind: 'disruption',
      status: 'ongoing',
      title: 'Störning i Svevac',
      services: ['svevac'],
      start: '2026-11-24T07:40:00.000Z',
      url: 'https://www.inera.se/driftstatus/pagaende/svevac/',
      impact: 'Det går inte att registrera vaccinationer. Anteckna på papper och för in dem senare.',
    });
    insertChange(app.db, { eventId, runId: null, type: 'updated', fields: ['impact'], at: '2026-11-24T08:10:00.000Z', baseline: false });
    add({
      key: 'url:npo',
      title: 'Servicefönster i Nationell patientöversikt (NPÖ)',
      services: ['npo'],
      start: '2026-11-26T21:00:00.000Z',
      end: '2026-11-27T01:00:00.000Z',
      impact: 'NPÖ går inte att nå under arbetet.',
    });
    add({
      key: 'url:journal',
      kind: 'release',
      title: 'Release av 1177 journal',
      services: ['1177-journal'],
      start: '2026-12-08T06:00:00.000Z',
      impact: 'Nya filter för anteckningar.',
    });
    await notifyPending({ ...app, renderer: createRenderer() });
    smtp = await startSmtp();
    app.config.smtpUrl = smtp.url;
    web = await startTestWeb(app);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await smtp?.close();
    app?.close();
  });

  it('subscribes from the form, confirms from the mail, changes the choice and unsubscribes', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${web.url}/`);
    await check(page, 'overview');
    await page.getByRole('link', { name: 'Störning i Svevac' }).first().click();
    await expect.poll(() => page.url()).toBe(`${web.url}/handelse/${eventId}`);
    await check(page, 'event');

    await page.goto(`${web.url}/prenumerera`);
    await check(page, 'subscribe');
    await page.getByLabel('Din e-postadress').fill(ANNA);
    await page.getByLabel('Svevac').check();
    await page.getByLabel('1177 journal').check();
    await page.getByLabel('veckovis').check();
    await page.getByRole('button', { name: 'Prenumerera' }).click();
    await expect.poll(() => page.locator('h1').innerText()).toBe('Kolla din inkorg');
    await check(page, 'check-inbox');
    expect(getSubscriptionByEmail(app.db, ANNA)).toBeUndefined();

    // The outbox worker delivers the confirmation through real SMTP.
    await drainOutbox(app);
    const mail = smtp.received.find((m) => m.envelope.to.includes(ANNA))!;
    expect(mail.parsed.subject).toBe('Bekräfta din prenumeration på driftinformation');
    const link = /https?:\/\/\S+\/bekrafta\/[A-Za-z0-9_-]{43}/.exec(mail.parsed.text ?? '')![0];

    await page.goto(link);
    await check(page, 'confirm');
    expect(getSubscriptionByEmail(app.db, ANNA)).toBeUndefined();
    await page.getByRole('button', { name: 'Bekräfta prenumerationen' }).click();
    await expect.poll(() => page.locator('[role=status]').innerText()).toContain('bekräftad');
    expect(getSubscriptionByEmail(app.db, ANNA)).toMatchObject({
      services: ['1177-journal', 'svevac'],
      cadence: 'weekly',
      confirmed: true,
    });
    await check(page, 'manage');

    await page.getByLabel('dagligen').check();
    await page.getByRole('button', { name: 'Spara' }).click();
    await expect.poll(() => page.locator('[role=status]').innerText()).toBe('Dina val är sparade.');
    expect(getSubscriptionByEmail(app.db, ANNA)?.cadence).toBe('daily');

    await page.getByRole('button', { name: 'Avsluta utskicken' }).click();
    await expect.poll(() => page.locator('main').innerText()).toContain('Du har avslutat utskicken.');
    expect(isSuppressed(app.db, ANNA)).toBe(true);
    await page.context().close();
  });

  it('signs an admin in by link, resends from the outbox with a reason, and previews a digest', async () => {
    await drainOutbox(app);
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${web.url}/admin`);
    expect(page.url()).toBe(`${web.url}/admin/logga-in`);
    await check(page, 'admin-login');
    await page.goto(createLoginLink(app, ADMIN));
    await check(page, 'admin-login-confirm');
    await page.getByRole('button', { name: 'Logga in' }).click();
    await expect.poll(() => page.url()).toBe(`${web.url}/admin`);
    await check(page, 'admin-overview');

    for (const [path, name] of [
      ['/admin/kallor', 'admin-sources'],
      ['/admin/handelser', 'admin-events'],
      ['/admin/mottagare', 'admin-directory'],
      ['/admin/prenumerationer', 'admin-subscriptions'],
    ] as const) {
      await page.goto(`${web.url}${path}`);
      await check(page, name);
    }

    await page.goto(`${web.url}/admin/utskick?status=sent`);
    await check(page, 'admin-outbox');
    const alert = listMessages(app.db, { kind: 'alert', status: 'sent' }).find((m) => m.template === 'alert')!;
    await page.getByRole('link', { name: alert.subject }).first().click();
    await expect.poll(() => page.url()).toBe(`${web.url}/admin/utskick/${alert.id}`);
    await expect.poll(() => page.frameLocator('iframe.mail').locator('body').innerText()).toContain('Svevac');
    await check(page, 'admin-message');
    await page.getByLabel('Varför ska det skickas igen?').fill('Mottagaren hittade inte mejlet');
    await page.getByRole('button', { name: 'Skicka igen' }).click();
    await expect.poll(() => page.locator('[role=status]').innerText()).toContain('Kopian ligger i kön');
    const [copy] = listMessages(app.db, { kind: 'resend' });
    expect(copy).toMatchObject({ originalId: alert.id, reason: 'Mottagaren hittade inte mejlet', requestedBy: ADMIN });

    await page.goto(`${web.url}/admin/forhandsgranska`);
    await page.getByLabel('Förvaltning eller systemobjekt').selectOption('smittskyddsenheten');
    await page.getByRole('button', { name: 'Visa' }).click();
    await expect.poll(() => page.locator('main').innerText()).toContain('daglig sammanfattning');
    await expect.poll(() => page.frameLocator('iframe.mail').locator('body').innerText()).toContain('Svevac');
    await check(page, 'admin-preview');

    await page.goto(`${web.url}/admin/logg`);
    await check(page, 'admin-log');
    expect(listAudit(app.db, { limit: 10, offset: 0 }).map((a) => a.action)).toEqual(['resend', 'login']);

    await page.getByRole('button', { name: 'Logga ut' }).click();
    await expect.poll(() => page.url()).toBe(`${web.url}/admin/logga-in?ut=1`);
    await page.context().close();
  });

  it('has no serious accessibility problem on the remaining pages', async () => {
    const page = await (await browser.newContext()).newPage();
    // The checker itself finds a serious problem where there is one.
    await page.setContent('<html><body><img src="data:,"><input type="text"></body></html>');
    expect(await axeProblems(page)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^image-alt:/), expect.stringMatching(/^label:/)]),
    );
    for (const [path, name] of [
      ['/kalender', 'feeds'],
      ['/finns-inte', 'not-found'],
      ['/avsluta/trasig', 'bad-link'],
    ] as const) {
      await page.goto(`${web.url}${path}`);
      await check(page, name);
    }
    const [message] = listMessages(app.db, { kind: 'alert' });
    const unsubscribe = /<(http[^>]+)>/.exec(message!.headers['List-Unsubscribe']!)![1]!;
    await page.goto(unsubscribe);
    await check(page, 'unsubscribe');
    await page.context().close();
    expect(checked.length).toBeGreaterThanOrEqual(20);
  });
});
