/**
 * The mail renderer: message data → subject, HTML and plain text.
 *
 * The MJML layout is turned into HTML at build time (compile-mjml.ts, run by `npm run build`),
 * still holding its Handlebars expressions; that HTML is compiled by Handlebars once per
 * renderer, on first use. A message is then only a view model (views.ts) poured into two
 * compiled templates. Handlebars escapes every value in the HTML; the text part is compiled
 * without escaping (it is not markup) and then wrapped. Handlebars itself is loaded on the
 * first render, so commands that send nothing never pay for it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type HandlebarsNs from 'handlebars';
import { packagePath } from '../util/paths.js';
import type { MessageData, RenderContext, RenderedMessage } from './types.js';
import { buildView, type MailView } from './views.js';

/** Column the plain-text part is wrapped at. */
export const TEXT_WIDTH = 76;

/** Turns message data into a finished mail. */
export interface Renderer {
  /** Renders one message; the same data and context always give the same output. */
  render(data: MessageData, ctx: RenderContext): Promise<RenderedMessage>;
}

type Handlebars = typeof HandlebarsNs;
type Compiled = HandlebarsNs.TemplateDelegate<MailView>;

/** The layout as the build compiled it; a missing file means the package was not built. */
async function compiledLayout(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new Error(`compiled mail layout ${path} is missing; run npm run build`, { cause });
  }
}

/** A heading in plain text: level 1 underlined with "=", level 2 with "-", level 3 as a plain line. */
function textHeading(level: unknown, text: unknown): string {
  const lines = wrapLine(String(text));
  if (level !== 1 && level !== 2) return lines.join('\n');
  const width = Math.max(...lines.map((l) => [...l].length));
  return `${lines.join('\n')}\n${(level === 1 ? '=' : '-').repeat(width)}`;
}

const MONTH = /^(?:januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december)\b/;

/** Words to wrap between, keeping "kl. 08.40", "3 december" and "… –" together. */
function words(text: string): string[] {
  const out: string[] = [];
  for (const word of text.split(' ')) {
    const prev = out[out.length - 1];
    const glue = prev !== undefined && (prev.endsWith('kl.') || (/(?:^|\s)\d{1,2}$/.test(prev) && MONTH.test(word)) || word === '–');
    if (glue) out[out.length - 1] = `${prev} ${word}`;
    else out.push(word);
  }
  return out;
}

/** Wraps one line at spaces; continuation lines keep its indent (plus two for a "- " item). URLs are never split. */
function wrapLine(line: string): string[] {
  if ([...line].length <= TEXT_WIDTH) return [line];
  const lead = /^(\s*)(- )?/.exec(line)!;
  const indent = (lead[1] ?? '') + (lead[2] ? '  ' : '');
  const out: string[] = [];
  let cur = '';
  for (const word of words(line.slice(lead[0].length))) {
    if (cur && [...cur].length + 1 + [...word].length > TEXT_WIDTH) {
      out.push(cur);
      cur = indent + word;
    } else cur = cur ? `${cur} ${word}` : lead[0] + word;
  }
  if (cur) out.push(cur);
  return out;
}

/** Final shape of the text part: no trailing spaces, at most one blank line in a row, wrapped, ending in a newline. */
export function finishText(text: string): string {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd());
  return `${lines
    .flatMap(wrapLine)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

/** Partials: `name.html.hbs` as `name` (escaped HTML), `name.txt.hbs` as `name_txt` (plain text). */
async function registerPartials(hb: Handlebars, dir: string): Promise<void> {
  const files = (await readdir(join(dir, 'partials'))).filter((f) => f.endsWith('.hbs')).sort();
  for (const file of files) {
    const source = await readFile(join(dir, 'partials', file), 'utf8');
    const text = file.endsWith('.txt.hbs');
    const name = text ? `${file.slice(0, -'.txt.hbs'.length)}_txt` : file.replace(/(\.html)?\.hbs$/, '');
    hb.registerPartial(name, hb.compile(source, { strict: true, noEscape: text }));
  }
}

/**
 * Creates a renderer reading the text template and partials from `templatesDir` (default:
 * the package's `templates/`) and the layout compiled at build time from `compiledDir`
 * (default: the package's `dist/templates/`). Everything is read and compiled lazily, once.
 */
export function createRenderer(opts: { templatesDir?: string; compiledDir?: string } = {}): Renderer {
  const dir = opts.templatesDir ?? packagePath('templates');
  const compiledDir = opts.compiledDir ?? packagePath('dist', 'templates');
  let handlebars: Promise<Handlebars> | undefined;
  const templates = new Map<string, Promise<Compiled>>();

  const setup = async (): Promise<Handlebars> => {
    const hb = (await import('handlebars')).default.create();
    hb.registerHelper('h', textHeading);
    hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    await registerPartials(hb, dir);
    return hb;
  };

  // Alerts, reminders and digests differ only in their words (views.ts), so one layout serves all.
  const compiled = (part: 'html' | 'text'): Promise<Compiled> => {
    let t = templates.get(part);
    if (!t) {
      t = (async () => {
        handlebars ??= setup().catch((err: unknown) => {
          handlebars = undefined;
          throw err;
        });
        const hb = await handlebars;
        const source =
          part === 'html' ? await compiledLayout(join(compiledDir, 'message.html')) : await readFile(join(dir, 'message.txt.hbs'), 'utf8');
        return hb.compile<MailView>(source, { strict: true, noEscape: part === 'text' });
      })();
      templates.set(part, t);
      // A failed compile is not cached: the next render tries again.
      t.catch(() => templates.delete(part));
    }
    return t;
  };

  return {
    async render(data, ctx) {
      const [html, text] = await Promise.all([compiled('html'), compiled('text')]);
      const view = buildView(data, ctx);
      return { subject: view.subject, html: html(view), text: finishText(text(view)) };
    },
  };
}
