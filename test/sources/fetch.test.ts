import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { FetchError } from '../../src/domain/errors.js';
import { DEFAULT_FETCH_OPTIONS, fetchPage, type FetchOptions } from '../../src/sources/fetch.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
interface TestServer {
  url: string;
  requests: IncomingMessage[];
}

const servers: Server[] = [];
let sleeps: number[] = [];

afterEach(async () => {
  sleeps = [];
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

async function serve(handler: Handler): Promise<TestServer> {
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

function options(overrides: Partial<FetchOptions> = {}): FetchOptions {
  return {
    ...DEFAULT_FETCH_OPTIONS,
    userAgent: 'driftkoll-test/0.1 (+mailto:ops@example.org)',
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  };
}

async function fetchError(promise: Promise<unknown>): Promise<FetchError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FetchError);
  return err as FetchError;
}

const LATIN1_TEXT = 'Störning på Åland';

describe('fetchPage', () => {
  it('returns the body with etag and last-modified, and sends the User-Agent', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', etag: '"v1"', 'last-modified': 'Tue, 01 Apr 2025 10:00:00 GMT' });
      res.end('<p>Allt fungerar</p>');
    });
    const result = await fetchPage(`${srv.url}/status`, options());
    expect(result).toMatchObject({
      kind: 'ok',
      url: `${srv.url}/status`,
      status: 200,
      body: '<p>Allt fungerar</p>',
      etag: '"v1"',
      lastModified: 'Tue, 01 Apr 2025 10:00:00 GMT',
      contentType: 'text/html',
      charset: 'utf-8',
      bytes: 20,
      attempts: 1,
    });
    expect(srv.requests[0]?.headers['user-agent']).toBe('driftkoll-test/0.1 (+mailto:ops@example.org)');
    expect(srv.requests[0]?.headers['if-none-match']).toBeUndefined();
  });

  it('asks for compressed bodies and decompresses gzip and br', async () => {
    const page = `<p>${LATIN1_TEXT}</p>`.repeat(50);
    const srv = await serve((req, res) => {
      const br = req.url === '/br';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': br ? 'br' : 'gzip' });
      res.end(br ? brotliCompressSync(page) : gzipSync(page));
    });
    expect(await fetchPage(`${srv.url}/gz`, options())).toMatchObject({ kind: 'ok', body: page, bytes: Buffer.byteLength(page) });
    expect(await fetchPage(`${srv.url}/br`, options())).toMatchObject({ kind: 'ok', body: page });
    expect(srv.requests[0]?.headers['accept-encoding']).toMatch(/gzip/);
  });

  it('treats a gzip body cut short as an error, and retries it', async () => {
    const srv = await serve((_req, res) => {
      // Text that does not compress much, so the first 100 bytes are far from the whole stream.
      const gz = gzipSync(randomBytes(5000).toString('hex'));
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip', 'content-length': String(gz.length) });
      res.write(gz.subarray(0, 100));
      setTimeout(() => res.socket?.destroy(), 10);
    });
    const err = await fetchPage(`${srv.url}/`, options({ retries: 1 })).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FetchError);
    expect((err as Error).message).toMatch(/terminated before the whole body arrived \(after 2 attempts\)/);
  });

  it('sends conditional headers and reports 304 as not-modified', async () => {
    const srv = await serve((req, res) => {
      if (req.headers['if-none-match'] === '"v1"' && req.headers['if-modified-since'] === 'Tue, 01 Apr 2025 10:00:00 GMT') {
        res.writeHead(304, { etag: '"v1"' }).end();
      } else {
        res.writeHead(200).end('changed');
      }
    });
    const result = await fetchPage(srv.url, options({ etag: '"v1"', lastModified: 'Tue, 01 Apr 2025 10:00:00 GMT' }));
    expect(result).toEqual({
      kind: 'not-modified',
      url: `${srv.url}/`,
      status: 304,
      etag: '"v1"',
      lastModified: 'Tue, 01 Apr 2025 10:00:00 GMT',
      attempts: 1,
    });
  });

  it('follows relative redirects, sending conditional headers on each hop, and reports the final URL', async () => {
    const srv = await serve((req, res) => {
      if (req.url === '/a') res.writeHead(301, { location: '/b' }).end();
      else if (req.url === '/b') res.writeHead(302, { location: 'c/final?x=1' }).end();
      else res.writeHead(200, { 'content-type': 'text/plain' }).end(`at ${req.url}`);
    });
    const result = await fetchPage(`${srv.url}/a`, options({ etag: '"e"' }));
    expect(result).toMatchObject({ kind: 'ok', url: `${srv.url}/c/final?x=1`, body: 'at /c/final?x=1' });
    expect(srv.requests.map((r) => r.url)).toEqual(['/a', '/b', '/c/final?x=1']);
    expect(srv.requests.every((r) => r.headers['if-none-match'] === '"e"')).toBe(true);
  });

  it('follows exactly maxRedirects redirects but fails on one more, without retrying', async () => {
    const srv = await serve((req, res) => {
      const n = Number(req.url?.slice(1));
      if (n < 6) res.writeHead(307, { location: `/${n + 1}` }).end();
      else res.writeHead(200).end('done');
    });
    const five = await fetchPage(`${srv.url}/1`, options()); // 1→2→…→6: five redirects
    expect(five).toMatchObject({ kind: 'ok', url: `${srv.url}/6` });
    srv.requests.length = 0;
    const err = await fetchError(fetchPage(`${srv.url}/0`, options())); // six redirects
    expect(err.message).toMatch(/too many redirects/);
    expect(srv.requests).toHaveLength(6);
  });

  it('times out when the server never answers, without hanging', async () => {
    const srv = await serve(() => {
      /* never respond */
    });
    const started = Date.now();
    const err = await fetchError(fetchPage(srv.url, options({ timeoutMs: 300, retries: 0 })));
    expect(err.message).toMatch(/timed out after 300 ms/);
    expect(err.hint).toBeTruthy();
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('times out when the body stalls, and retries timeouts', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
    const err = await fetchError(fetchPage(srv.url, options({ timeoutMs: 300, retries: 1 })));
    expect(err.message).toMatch(/timed out after 300 ms/);
    expect(srv.requests).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it('rejects a body over the cap announced by Content-Length', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000));
    });
    const err = await fetchError(fetchPage(srv.url, options({ maxBytes: 1000 })));
    expect(err.message).toMatch(/larger than 1000 bytes/);
    expect(srv.requests).toHaveLength(1);
  });

  it('rejects a streamed body over the cap without Content-Length, aborting early', async () => {
    let stopped = false;
    const srv = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      const chunk = 'y'.repeat(16 * 1024);
      let sent = 0;
      const pump = () => {
        if (stopped || res.destroyed || sent > 50 * 1024 * 1024) return res.end();
        sent += chunk.length;
        if (res.write(chunk)) setImmediate(pump);
        else res.once('drain', pump);
      };
      res.on('close', () => {
        stopped = true;
      });
      pump();
    });
    const err = await fetchError(fetchPage(srv.url, options({ maxBytes: 64 * 1024 })));
    expect(err.message).toMatch(/larger than 65536 bytes/);
    expect(srv.requests).toHaveLength(1);
  });

  it('decodes Latin-1 from the Content-Type charset', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=ISO-8859-1' }).end(Buffer.from(`<p>${LATIN1_TEXT}</p>`, 'latin1'));
    });
    const result = await fetchPage(srv.url, options());
    expect(result).toMatchObject({ kind: 'ok', body: `<p>${LATIN1_TEXT}</p>`, charset: 'windows-1252' });
  });

  it('decodes Latin-1 from a <meta charset> tag', async () => {
    const html = `<html><head><meta charset="latin1"><title>x</title></head><body>${LATIN1_TEXT}</body></html>`;
    const srv = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(Buffer.from(html, 'latin1'));
    });
    const result = await fetchPage(srv.url, options());
    expect(result.kind === 'ok' && result.body).toBe(html);
  });

  it('decodes Latin-1 from a <meta http-equiv> tag', async () => {
    const html = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head><body>${LATIN1_TEXT}</body></html>`;
    const srv = await serve((_req, res) => {
      res.writeHead(200).end(Buffer.from(html, 'latin1'));
    });
    const result = await fetchPage(srv.url, options());
    expect(result.kind === 'ok' && result.body).toBe(html);
  });

  it('decodes using an XML encoding declaration', async () => {
    const xml = `<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><title>${LATIN1_TEXT}</title></channel></rss>`;
    const srv = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(Buffer.from(xml, 'latin1'));
    });
    const result = await fetchPage(srv.url, options());
    expect(result).toMatchObject({ kind: 'ok', body: xml, charset: 'windows-1252' });
  });

  it('falls back to UTF-8 for an unknown charset label and strips a UTF-8 BOM', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=klingon' }).end(Buffer.from(`\uFEFF${LATIN1_TEXT}`, 'utf8'));
    });
    const result = await fetchPage(srv.url, options());
    expect(result).toMatchObject({ kind: 'ok', body: LATIN1_TEXT, charset: 'utf-8' });
  });

  it('honours Retry-After on 503 and then succeeds', async () => {
    const srv = await serve((_req, res) => {
      if (srv.requests.length === 1) res.writeHead(503, { 'retry-after': '1' }).end('busy');
      else res.writeHead(200).end('ok now');
    });
    const result = await fetchPage(srv.url, options());
    expect(result).toMatchObject({ kind: 'ok', body: 'ok now', attempts: 2 });
    expect(sleeps).toEqual([1000]);
  });

  it('caps Retry-After given as an HTTP date on 429', async () => {
    const srv = await serve((_req, res) => {
      if (srv.requests.length === 1) res.writeHead(429, { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() }).end();
      else res.writeHead(200).end('ok');
    });
    const result = await fetchPage(srv.url, options({ maxRetryAfterMs: 5000 }));
    expect(result).toMatchObject({ kind: 'ok', attempts: 2 });
    expect(sleeps).toEqual([5000]);
  });

  it('retries 500 with exponential backoff and then fails with the status', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(500).end('boom');
    });
    const err = await fetchError(fetchPage(srv.url, options({ retries: 2, backoffMs: 100 })));
    expect(err.status).toBe(500);
    expect(err.message).toMatch(/HTTP 500/);
    expect(srv.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(100);
    expect(sleeps[0]).toBeLessThanOrEqual(120);
    expect(sleeps[1]).toBeGreaterThanOrEqual(200);
    expect(sleeps[1]).toBeLessThanOrEqual(240);
  });

  it('fails at once on 404', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(404).end('nope');
    });
    const err = await fetchError(fetchPage(srv.url, options()));
    expect(err.status).toBe(404);
    expect(err.message).toMatch(/HTTP 404/);
    expect(srv.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('retries and then fails when the connection is refused', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await fetchError(fetchPage(`http://127.0.0.1:${port}/`, options()));
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(err.status).toBeUndefined();
    expect(err.cause).toBeInstanceOf(Error);
    expect(sleeps).toHaveLength(2);
  });

  it('treats a body cut short of its Content-Length as an error, and retries it', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '1000', 'content-type': 'text/html' });
      res.write('0123456789', () => res.socket?.destroy());
    });
    const err = await fetchError(fetchPage(srv.url, options()));
    expect(err.message).toMatch(/terminated|other side closed/);
    expect(srv.requests).toHaveLength(3);
  });
});
