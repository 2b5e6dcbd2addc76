/**
 * The benchmark feed: an RSS 2.0 document of disruptions in catalogue services, served on
 * loopback with ETag and Last-Modified (and 304 to a matching conditional GET), as any
 * well-behaved feed is; both driftkoll and rss2email send those validators.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const SERVICES = ['1177 journal', 'NPÖ', 'Webcert', 'SITHS', 'Pascal'];

function item(i: number, edited: boolean): string {
  const service = SERVICES[i % SERVICES.length]!;
  const day = 1 + (i % 28);
  const text = edited
    ? `Felet åtgärdades kl 09.05. Tjänsten ${service} fungerar igen (post ${i}).`
    : `Sedan kl 07.20 den ${day} november 2026 går det inte att använda ${service}. Felsökning pågår (post ${i}).`;
  return `    <item>
      <title>Störning: ${service} – händelse ${i}</title>
      <link>https://status.example.se/driftinformation/${i}</link>
      <guid isPermaLink="false">bench-${i}</guid>
      <pubDate>Tue, 24 Nov 2026 08:00:00 +0100</pubDate>
      <category>Driftstörning</category>
      <description><![CDATA[<p>${text}</p>]]></description>
    </item>`;
}

/** A feed of `n` items; `added` more at the top and the first `edited` of the originals edited. */
export function benchFeed(n: number, opts: { added?: number; edited?: number } = {}): string {
  const items: string[] = [];
  for (let i = 0; i < (opts.added ?? 0); i++) items.push(item(n + i, false));
  for (let i = 0; i < n; i++) items.push(item(i, i < (opts.edited ?? 0)));
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
  <channel>
    <title>Driftinformation (bench)</title>
    <link>https://status.example.se/driftinformation</link>
    <description>Störningar i nationella e-hälsotjänster</description>
    <language>sv-SE</language>
${items.join('\n')}
  </channel>
</rss>
`;
}

export interface FeedServer {
  url: string;
  /** Serves this body from now on (new ETag and Last-Modified). */
  set(body: string): void;
  /** Requests answered with 200 and with 304 so far. */
  counts(): { full: number; notModified: number };
  close(): Promise<void>;
}

/** Serves one feed on 127.0.0.1 at /feed.xml. */
export async function startFeedServer(body: string): Promise<FeedServer> {
  let current = { body: Buffer.from(body), etag: '', modified: '' };
  let version = 0;
  const set = (b: string) => {
    version++;
    current = {
      body: Buffer.from(b),
      etag: `"${createHash('sha1').update(b).digest('hex').slice(0, 16)}"`,
      modified: new Date(Date.UTC(2026, 10, 24, 8, version)).toUTCString(),
    };
  };
  set(body);
  const counts = { full: 0, notModified: 0 };
  const server: Server = createServer((req, res) => {
    const etagMatch = req.headers['if-none-match'] === current.etag;
    const sinceMatch = !req.headers['if-none-match'] && req.headers['if-modified-since'] === current.modified;
    if (etagMatch || sinceMatch) {
      counts.notModified++;
      res.writeHead(304, { etag: current.etag, 'last-modified': current.modified });
      res.end();
      return;
    }
    counts.full++;
    res.writeHead(200, {
      'content-type': 'application/rss+xml; charset=utf-8',
      'content-length': String(current.body.length),
      etag: current.etag,
      'last-modified': current.modified,
    });
    res.end(current.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/feed.xml`,
    set,
    counts: () => ({ ...counts }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
