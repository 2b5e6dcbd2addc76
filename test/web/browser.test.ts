/**
 * The unsubscribe round trip in a real browser (Debian chromium via playwright-core): from the
 * List-Unsubscribe header of a real outbox message, through the confirm page and the button,
 * to the subscription page and back again, checking the database at each step and that the
 * buttons can be reached with the keyboard.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDirectory, readDirectoryFile } from '../../src/directory/import.js';
import { listMessages } from '../../src/store/outbox.repo.js';
import { upsertSource } from '../../src/store/sources.repo.js';
import { isSuppressed } from '../../src/store/subscriptions.repo.js';
import { packagePath } from '../../src/util/paths.js';
import { startWebServer, type WebServer } from '../../src/web/server.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { alertSvevac } from './web-helpers.js';
import { hasBrowser, launchBrowser } from '../helpers/browser.js';

const CONTACT = 'smittskydd@regionuppsala.example';

/** Presses Tab until the button named `name` has focus; fails if it never does. */
async function tabTo(page: Page, name: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      return el?.tagName === 'BUTTON' ? el.textContent?.trim() : null;
    });
    if (focused === name) return;
  }
  throw new Error(`Tab never reached the button "${name}"`);
}

/** The page's language, its number of h1 headings, and the text of the main region. */
async function structure(page: Page) {
  return {
    lang: await page.getAttribute('html', 'lang'),
    h1: await page.locator('h1').count(),
    main: (await page.locator('main').innerText()).replace(/\s+/g, ' '),
  };
}

describe.runIf(hasBrowser())('unsubscribe in a browser', () => {
  let app: TestApp;
  let web: WebServer;
  let browser: Browser;

  beforeAll(async () => {
    app = createTestApp({});
    importDirectory(app.db, readDirectoryFile(packagePath('defaults', 'region-uppsala.yaml'), app.catalogue));
    web = await startWebServer(app, { port: 0, host: '127.0.0.1' });
    // Mail links point at baseUrl: here, the server just started.
    app.config.baseUrl = web.url;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
    app?.close();
  });

  it('follows the List-Unsubscribe link, ends the mail with the button, and starts it again by keyboard', async () => {
    // A Svevac disruption alerts Smittskyddsenheten: a real message in the outbox.
    upsertSource(app.db, { id: 's', adapter: 'rss', url: 'https://s.example/' });
    await alertSvevac(app);
    const [message] = listMessages(app.db, { to: CONTACT });
    const link = /<(http[^>]+)>/.exec(message?.headers['List-Unsubscribe'] ?? '')?.[1];
    expect(link).toMatch(new RegExp(`^${web.url}/avsluta/`));

    const page = await browser.newPage();
    await page.goto(link!);
    const confirm = await structure(page);
    expect(confirm).toMatchObject({ lang: 'sv', h1: 1 });
    expect(confirm.main).toContain(CONTACT);
    expect(isSuppressed(app.db, CONTACT)).toBe(false);

    await tabTo(page, 'Avsluta utskicken');
    await page.getByRole('button', { name: 'Avsluta utskicken' }).click();
    await page.waitForURL(/\/prenumeration\/[^/]+$/);
    expect(isSuppressed(app.db, CONTACT)).toBe(true);
    const ended = await structure(page);
    expect(ended).toMatchObject({ lang: 'sv', h1: 1 });
    expect(ended.main).toContain('Du har avslutat utskicken.');
    expect(ended.main).toContain('Du får utskick som handläggare för Smittskyddsenheten.');

    // Back by keyboard alone: Tab to the button, Enter.
    await tabTo(page, 'Starta utskicken igen');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(isSuppressed(app.db, CONTACT)).toBe(false);
    const restarted = await structure(page);
    expect(restarted.h1).toBe(1);
    expect(restarted.main).not.toContain('Du har avslutat utskicken.');
    await tabTo(page, 'Avsluta utskicken');
    await page.close();
  });
});
