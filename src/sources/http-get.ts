/**
 * One HTTP GET on node:http / node:https, shaped like the little of fetch's Response that
 * fetch.ts uses. Node's global fetch (undici) costs ~0.28 s and ~44 MB to load on first
 * use, which was most of a cron `run` against an unchanged feed; these modules are built in.
 * Compressed bodies (gzip, deflate, br) are asked for and decompressed, as fetch does.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

export interface HttpResponse {
  status: number;
  statusText: string;
  /** A response header, or null. */
  header(name: string): string | null;
  /** The (decompressed) body; iterating it throws when the connection is cut short. */
  body: Readable;
  /** True once the whole body arrived as the server announced it. */
  complete(): boolean;
  /** Drops the rest of the body and the connection. */
  discard(): void;
}

/** Sends a GET and resolves with the status and headers; the body is read by the caller. */
export function httpGet(url: string, opts: { headers: Record<string, string>; signal: AbortSignal }): Promise<HttpResponse> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: { 'accept-encoding': 'gzip, deflate, br', ...opts.headers }, signal: opts.signal });
    req.on('error', reject);
    req.on('response', (res: IncomingMessage) => {
      const encoding = String(res.headers['content-encoding'] ?? '')
        .trim()
        .toLowerCase();
      const decompress =
        encoding === 'gzip' || encoding === 'x-gzip'
          ? createGunzip()
          : encoding === 'deflate'
            ? createInflate()
            : encoding === 'br'
              ? createBrotliDecompress()
              : null;
      let body: Readable = res;
      if (decompress) {
        // A broken connection must reach the reader as an error, not as a short body.
        res.on('error', (err) => decompress.destroy(err));
        res.on('aborted', () => decompress.destroy(new Error('connection terminated')));
        body = res.pipe(decompress);
      }
      resolve({
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? '',
        header: (name) => {
          const v = res.headers[name.toLowerCase()];
          return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
        },
        body,
        complete: () => res.complete,
        discard: () => {
          res.destroy();
          body.destroy();
        },
      });
    });
    req.end();
  });
}
