/**
 * The page renderer: Handlebars templates in templates/web/*.hbs, each poured into layout.hbs.
 * Every value reaches the page through `{{…}}`, so Handlebars escapes it; scraped titles and
 * impacts are data, never markup. View models hold finished Swedish strings, so the templates
 * need no helpers. Strict mode turns a misspelt field into an error instead of a blank page.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { packagePath } from '../util/paths.js';

/** Who the pages speak for: the region's sender name and the address people can write to. */
export interface Site {
  name: string;
  replyTo: string;
}

/** What the layout needs beside the page's own view. */
export interface PageFrame {
  title: string;
  /** The signed-in admin's address: the admin menu and the logout button are shown. */
  admin?: string | null;
  /** CSRF token for the forms on the page (the logout button included). */
  csrf?: string;
}

/** The compiled templates; `render` returns a whole HTML document. */
export interface Pages {
  render(name: string, frame: PageFrame, view?: object): string;
}

/**
 * Reads and compiles every template once, in a private Handlebars environment (so no other
 * code's helpers or partials leak in).
 */
export function createPages(site: Site, dir = packagePath('templates', 'web')): Pages {
  const hb = Handlebars.create();
  const compiled = new Map<string, Handlebars.TemplateDelegate>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.hbs'))) {
    const name = file.slice(0, -'.hbs'.length);
    const source = readFileSync(join(dir, file), 'utf8');
    // Triple-stash would pass scraped text through unescaped: refuse to start with one.
    if (source.includes('{{{')) throw new Error(`web template ${file} uses {{{ }}}, which skips escaping; use {{ }}`);
    if (name === 'layout') hb.registerPartial('layout', hb.compile(source, { strict: true }));
    else compiled.set(name, hb.compile(source, { strict: true }));
  }
  if (!hb.partials.layout) throw new Error(`web template ${join(dir, 'layout.hbs')} is missing`);
  return {
    render(name, frame, view = {}) {
      const template = compiled.get(name);
      if (!template) throw new Error(`web template ${join(dir, `${name}.hbs`)} is missing`);
      return template({ ...view, title: frame.title, admin: frame.admin ?? null, csrf: frame.csrf ?? '', site });
    },
  };
}
