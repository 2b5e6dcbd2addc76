/** Builders for the fault suite: Inera-like pages, feeds, hostile variants and a one-unit directory. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importDirectory, readDirectoryFile } from '../../src/directory/import.js';
import type { TestApp } from '../helpers/app.js';
import { chromeOnlyPage, statusPage, type PageItem } from '../helpers/pages.js';

/** One disruption row as Inera's driftstatus page shows it. */
export function row(title: string, badge: string, services = ['1177 journal']): PageItem {
  return { title, badge, services, start: '24 november 2026 kl. 08.15', impact: 'Invånare kan inte logga in.' };
}

/** A complete driftstatus page with these items. */
export function page(items: PageItem[]): string {
  return statusPage('Driftstatus', items);
}

export { chromeOnlyPage };

/** A page whose items sit `depth` <div>s deep. */
export function deepPage(depth: number): string {
  return `<!DOCTYPE html><html><body><main>${'<div>'.repeat(depth)}x${'</div>'.repeat(depth)}</main></body></html>`;
}

/** One RSS entry. */
export function feedItem(i: { title: string; guid: string; description?: string }): string {
  return `<item><title>${i.title}</title><guid>${i.guid}</guid><description>${i.description ?? 'Invånare kan inte logga in sedan 24 november kl. 08.15.'}</description></item>`;
}

/** An RSS 2.0 feed with these entries. */
export function feed(items: string[]): string {
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Driftinformation</title><link>https://www.ehalsomyndigheten.se/</link>${items.join('')}</channel></rss>`;
}

/** Imports a directory of one unit following every service, with these contacts. */
export function oneUnitDirectory(app: TestApp, emails: string[]): void {
  const file = join(app.dir, 'directory.yaml');
  writeFileSync(
    file,
    `region: Region Uppsala\ntimezone: Europe/Stockholm\nadministrations:\n  - id: enhet\n    name: Enheten\n    services: all\n    contacts:\n${emails.map((e) => `      - { role: IT-samordnare, email: "${e}" }`).join('\n')}\nobjects: []\n`,
  );
  importDirectory(app.db, readDirectoryFile(file, app.catalogue));
}
