/** Builders for Inera-like pages, shaped like test/fixtures/samples/inera. */

export interface PageItem {
  href?: string;
  badge: string;
  title: string;
  services: string[];
  start?: string;
  end?: string;
  time?: string;
  impact?: string;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function article(i: PageItem): string {
  const heading = i.href ? `<a href="${i.href}">${esc(i.title)}</a>` : esc(i.title);
  const services =
    i.services.length === 1
      ? `<dt>Tjänst</dt><dd>${esc(i.services[0]!)}</dd>`
      : `<dt>Berörda tjänster</dt><dd><ul>${i.services.map((s) => `<li>${esc(s)}</li>`).join('')}</ul></dd>`;
  return `
    <article class="status-item">
      <span class="status-badge">${esc(i.badge)}</span>
      <h3>${heading}</h3>
      <dl>
        ${services}
        ${i.start ? `<dt>Start</dt><dd>${esc(i.start)}</dd>` : ''}
        ${i.end ? `<dt>Beräknas klart</dt><dd>${esc(i.end)}</dd>` : ''}
        ${i.time ? `<dt>Tid</dt><dd>${esc(i.time)}</dd>` : ''}
        ${i.impact ? `<dt>Påverkan</dt><dd>${esc(i.impact)}</dd>` : ''}
      </dl>
    </article>`;
}

/** A whole page: chrome, heading, and the items (or an explicit empty text). */
export function statusPage(heading: string, items: PageItem[], emptyText = 'Just nu finns inga pågående störningar.'): string {
  const body = items.length ? items.map(article).join('\n') : `<p>${emptyText}</p>`;
  return `<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>${heading} - Inera</title></head>
<body><header class="site-header"><a href="/">Inera</a></header>
<main id="main-content"><h1>${heading}</h1>
<section><h2>${heading}</h2>
${body}
</section></main><footer>Inera AB</footer></body></html>`;
}

/** Chrome only: what a client-side rendered page looks like to a plain GET. */
export function chromeOnlyPage(heading: string): string {
  return `<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>${heading}</title></head>
<body><header><a href="/">Inera</a></header><main id="main-content"><h1>${heading}</h1><div id="app"></div></main>
<footer>Inera AB</footer></body></html>`;
}
