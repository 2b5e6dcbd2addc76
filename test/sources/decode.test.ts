/**
 * decodeBody: a page decodes by its own declaration, the same whether it was fetched or
 * saved to a file (`parse --file` passes no Content-Type).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/sources/fetch.js';
import { parseWith } from './adapters/helpers.js';

const bytes = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/pages/${name}`, import.meta.url)));
const utf8 = (text: string) => new TextEncoder().encode(text);

describe('decodeBody', () => {
  it('the fixtures really are Latin-1 bytes, not UTF-8', () => {
    // "ö" is one byte (0xF6) in ISO-8859-1 and never valid UTF-8 on its own.
    expect(bytes('latin1.html').includes(0xf6)).toBe(true);
    expect(bytes('latin1-feed.xml').includes(0xf6)).toBe(true);
    expect(new TextDecoder('utf-8').decode(bytes('latin1.html'))).toContain('\ufffd');
  });

  it('decodes Latin-1 HTML by its <meta charset> when there is no Content-Type', async () => {
    const { text, charset } = decodeBody(bytes('latin1.html'), null);
    // WHATWG decodes "iso-8859-1" as its superset windows-1252.
    expect(charset).toBe('windows-1252');
    expect(text).toContain('Störning i Nationell patientöversikt');
    expect(text).not.toContain('\ufffd');
    const r = await parseWith('inera-driftstatus', text, 'https://www.inera.se/driftstatus/');
    expect(r.warnings).toEqual([]);
    expect(r.items).toEqual([
      {
        kind: 'disruption',
        status: 'ongoing',
        title: 'Störning i Nationell patientöversikt',
        services: ['npo'],
        start: '2026-11-24T08:15:00+01:00',
        end: null,
        url: null,
        impact: null,
        timeText: 'tisdag 24 november 2026 kl. 08.15 | Prognos saknas',
        unknownServices: [],
        guid: null,
        details: 'Vårdpersonal kan inte öppna patientöversikten. Felsökning pågår.',
      },
    ]);
  });

  it('decodes a meta http-equiv Content-Type declaration', () => {
    const page = Buffer.from(
      '<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"></head><body>Åtgärdad</body></html>',
      'latin1',
    );
    expect(decodeBody(page, null)).toEqual({
      text: '<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"></head><body>Åtgärdad</body></html>',
      charset: 'windows-1252',
    });
  });

  it('decodes an XML feed by its encoding declaration', async () => {
    const { text, charset } = decodeBody(bytes('latin1-feed.xml'), null);
    expect(charset).toBe('windows-1252');
    expect(text).toContain('Driftinformation från E-hälsomyndigheten');
    const r = await parseWith('rss', text, 'https://www.ehalsomyndigheten.se/driftinformation/rss');
    expect(r.items).toMatchObject([
      {
        kind: 'maintenance',
        status: 'planned',
        title: 'Servicefönster för E-recept',
        services: ['e-recept'],
        start: '2026-12-03T23:00:00+01:00',
        end: '2026-12-04T07:00:00+01:00',
      },
    ]);
  });

  it('a UTF-8 BOM wins over a wrong declaration and is not part of the text', () => {
    const page = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('<meta charset="iso-8859-1"><p>Störning</p>')]);
    expect(decodeBody(page, null)).toEqual({ text: '<meta charset="iso-8859-1"><p>Störning</p>', charset: 'utf-8' });
  });

  it('reads a UTF-16 page by its BOM', () => {
    const page = new Uint8Array([0xff, 0xfe, ...Buffer.from('<p>Störning</p>', 'utf16le')]);
    expect(decodeBody(page, null)).toEqual({ text: '<p>Störning</p>', charset: 'utf-16le' });
  });

  it('the Content-Type charset beats the page, as for a fetched page', () => {
    const page = Buffer.from('<meta charset="utf-8"><p>Störning</p>', 'latin1');
    expect(decodeBody(page, 'text/html; charset=ISO-8859-1').text).toBe('<meta charset="utf-8"><p>Störning</p>');
  });

  it('falls back to UTF-8 without a declaration or with an unknown one', () => {
    expect(decodeBody(utf8('<p>Störning</p>'), null)).toEqual({ text: '<p>Störning</p>', charset: 'utf-8' });
    expect(decodeBody(utf8('<meta charset="x-unknown"><p>Ö</p>'), 'text/html')).toEqual({
      text: '<meta charset="x-unknown"><p>Ö</p>',
      charset: 'utf-8',
    });
  });
});
