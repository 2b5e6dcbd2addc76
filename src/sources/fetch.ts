/**
 * HTTP GET for polling status pages: whole-request timeout, streamed body cap, manual
 * redirects, conditional GET, charset detection, and retries with backoff / Retry-After.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { FetchError } from '../domain/errors.js';
import { httpGet, type HttpResponse } from './http-get.js';

/** Options for {@link fetchPage}. */
export interface FetchOptions {
  /** Whole attempt (all redirect hops, headers and body), in ms. */
  timeoutMs: number;
  /** Cap on the (decompressed) body size, in bytes. */
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
  /** Extra attempts after the first. */
  retries: number;
  /** Retry n (0-based) waits backoffMs * 2^n plus up to 20% jitter. */
  backoffMs: number;
  /** Cap on an honoured Retry-After. */
  maxRetryAfterMs: number;
  /** Sent as If-None-Match. */
  etag?: string | null;
  /** Sent as If-Modified-Since. */
  lastModified?: string | null;
  /** Injectable for tests; default is setTimeout-based. */
  sleep?: (ms: number) => Promise<void>;
  /** The addresses a host stands for, to vet redirects; injectable for tests, default DNS (all addresses). */
  resolveHost?: (host: string) => Promise<string[]>;
}

/** A page (`ok`) or a 304 answer to a conditional GET (`not-modified`); `url` is the final URL. */
export type FetchResult =
  | {
      kind: 'ok';
      url: string;
      status: number;
      body: string;
      etag: string | null;
      lastModified: string | null;
      contentType: string | null;
      charset: string;
      bytes: number;
      attempts: number;
    }
  | { kind: 'not-modified'; url: string; status: 304; etag: string | null; lastModified: string | null; attempts: number };

/** Defaults for everything except the User-Agent, which each caller must identify itself with. */
export const DEFAULT_FETCH_OPTIONS: Omit<FetchOptions, 'userAgent'> = Object.freeze({
  timeoutMs: 15_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  retries: 2,
  backoffMs: 1_000,
  maxRetryAfterMs: 60_000,
});

type PageResult = DistributiveOmit<FetchResult, 'attempts'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** One failed attempt: what to report, and whether (and when) to try again. */
class AttemptError extends Error {
  constructor(
    message: string,
    readonly info: { retryable: boolean; hint: string; status?: number; retryAfterMs?: number | null; cause?: unknown },
  ) {
    super(message, { cause: info.cause });
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const RETRYABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * GET `url`, retrying transient failures (5xx, 429, connection errors, timeouts, truncated bodies).
 * Resolves with the decoded page or `not-modified`; rejects with a {@link FetchError} otherwise.
 */
export async function fetchPage(url: string, opts: FetchOptions): Promise<FetchResult> {
  const sleep = opts.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return { ...(await attemptOnce(url, opts)), attempts: attempt };
    } catch (err) {
      const e =
        err instanceof AttemptError
          ? err
          : new AttemptError(`GET ${url} failed: ${describeNetworkError(err)}`, {
              retryable: false,
              hint: 'unexpected error while fetching',
              cause: err,
            });
      const { retryable, hint, status, retryAfterMs, cause } = e.info;
      if (!retryable || attempt > opts.retries) {
        const tries = attempt > 1 ? ` (after ${attempt} attempts)` : '';
        throw new FetchError(e.message + tries, { cause, hint, status });
      }
      await sleep(retryAfterMs ?? Math.round(opts.backoffMs * 2 ** (attempt - 1) * (1 + Math.random() * 0.2)));
    }
  }
}

async function attemptOnce(url: string, opts: FetchOptions): Promise<PageResult> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, opts.timeoutMs);
  const headers: Record<string, string> = {
    'user-agent': opts.userAgent,
    accept: 'text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.8',
  };
  if (opts.etag) headers['if-none-match'] = opts.etag;
  if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;
  let current = parseUrl(url, undefined);
  try {
    for (let hop = 0; ; hop++) {
      const res = await httpGet(current, { signal: controller.signal, headers });
      const location = res.header('location');
      if (REDIRECTS.has(res.status) && location !== null) {
        res.discard();
        if (hop >= opts.maxRedirects) {
          throw new AttemptError(`too many redirects (more than ${opts.maxRedirects}) fetching ${url}`, {
            retryable: false,
            hint: 'configure the final URL instead of one that redirects this much',
          });
        }
        const next = parseUrl(location, current);
        await assertRedirectAllowed(next, url, opts.resolveHost ?? resolveHost);
        current = next;
        continue;
      }
      const etag = res.header('etag');
      const lastModified = res.header('last-modified');
      if (res.status === 304) {
        res.discard();
        return {
          kind: 'not-modified',
          url: current,
          status: 304,
          etag: etag ?? opts.etag ?? null,
          lastModified: lastModified ?? opts.lastModified ?? null,
        };
      }
      if (res.status < 200 || res.status > 299) {
        res.discard();
        const transient = res.status >= 500 || res.status === 429;
        throw new AttemptError(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''} from ${current}`, {
          retryable: transient,
          status: res.status,
          retryAfterMs: res.status === 429 || res.status === 503 ? parseRetryAfter(res.header('retry-after'), opts.maxRetryAfterMs) : null,
          hint: transient ? 'the server is having trouble; it will be tried again on the next poll' : 'check the configured URL',
        });
      }
      const raw = await readCapped(res, opts.maxBytes, controller, current);
      const contentType = res.header('content-type');
      const { text, charset } = decodeBody(raw, contentType);
      return { kind: 'ok', url: current, status: res.status, body: text, etag, lastModified, contentType, charset, bytes: raw.byteLength };
    }
  } catch (err) {
    if (err instanceof AttemptError) throw err;
    if (timedOut) {
      throw new AttemptError(`GET ${current} timed out after ${opts.timeoutMs} ms`, {
        retryable: true,
        hint: 'the server is slow or unreachable; check the URL or raise the timeout',
      });
    }
    const detail = describeNetworkError(err);
    throw new AttemptError(`GET ${current} failed: ${detail}`, {
      retryable: isTransient(err),
      cause: rootCause(err),
      hint: 'check network access and that the host is reachable',
    });
  } finally {
    clearTimeout(timer);
  }
}

function parseUrl(location: string, base: string | undefined): string {
  let parsed: URL;
  try {
    parsed = new URL(location, base);
  } catch (cause) {
    throw new AttemptError(`invalid URL "${location}"`, { retryable: false, cause, hint: 'check the configured URL' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new AttemptError(`unsupported URL scheme in "${parsed.href}"`, {
      retryable: false,
      hint: 'only http and https URLs can be fetched',
    });
  }
  return parsed.href;
}

/** Stream the body, aborting as soon as it exceeds `maxBytes` (or Content-Length says it will). */
async function readCapped(res: HttpResponse, maxBytes: number, controller: AbortController, url: string): Promise<Uint8Array> {
  const tooLarge = (size: string) => {
    controller.abort();
    return new AttemptError(`response from ${url} is larger than ${maxBytes} bytes (${size})`, {
      retryable: false,
      hint: 'check the URL, or raise maxBytes if the page really is this large',
    });
  };
  const cutShort = (cause?: unknown) =>
    new AttemptError(`GET ${url} failed: connection terminated before the whole body arrived`, {
      retryable: true,
      cause,
      hint: 'the connection broke mid-page; it is tried again',
    });
  const declared = Number(res.header('content-length') ?? '');
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(`Content-Length ${declared}`);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      total += chunk.byteLength;
      if (total > maxBytes) {
        res.discard();
        throw tooLarge(`at least ${total} bytes received`);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    // A timeout aborts the request: the caller reports that, not a broken connection.
    if (err instanceof AttemptError || controller.signal.aborted) throw err;
    throw cutShort(err);
  }
  if (!res.complete()) throw cutShort();
  return Buffer.concat(chunks, total);
}

/**
 * Decodes a page's bytes by its own declaration, first found wins: a byte-order mark, the
 * Content-Type charset, a `<meta charset>` (or http-equiv) tag, an XML declaration's
 * encoding; else UTF-8. Used for fetched pages and for saved ones (`contentType` null), so
 * both read the same. `charset` is the WHATWG name used ("iso-8859-1" decodes as windows-1252).
 */
export function decodeBody(raw: Uint8Array, contentType: string | null): { text: string; charset: string } {
  const bom =
    raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf
      ? 'utf-8'
      : raw[0] === 0xfe && raw[1] === 0xff
        ? 'utf-16be'
        : raw[0] === 0xff && raw[1] === 0xfe
          ? 'utf-16le'
          : undefined;
  const head = Buffer.from(raw.buffer, raw.byteOffset, Math.min(raw.byteLength, 4096)).toString('latin1');
  const candidates = [
    bom,
    contentType?.match(/charset\s*=\s*["']?([^"';\s]+)/i)?.[1],
    head.match(/<meta\b[^>]*?charset\s*=\s*["']?\s*([^\s"'/>;]+)/i)?.[1],
    head.match(/<\?xml\b[^>]*?encoding\s*=\s*["']([^"']+)["']/i)?.[1],
  ];
  let decoder: TextDecoder | undefined;
  for (const label of candidates) {
    if (!label) continue;
    try {
      decoder = new TextDecoder(label.trim().toLowerCase());
      break;
    } catch {
      // Unknown label: try the next source, and finally UTF-8.
    }
  }
  decoder ??= new TextDecoder('utf-8');
  const text = decoder.decode(raw);
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, charset: decoder.encoding };
}

/** Retry-After as seconds or an HTTP date, capped; null when absent or unparsable. */
function parseRetryAfter(value: string | null, cap: number): number | null {
  if (value === null || value.trim() === '') return null;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - Date.now();
  return Number.isNaN(ms) ? null : Math.min(Math.max(ms, 0), cap);
}

/** Walk undici's cause chain ("fetch failed" → "connect ECONNREFUSED …") for codes and messages. */
function causeChain(err: unknown): Array<{ code?: unknown; message: string }> {
  const chain: Array<{ code?: unknown; message: string }> = [];
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const inner = e instanceof AggregateError ? (e.errors[0] as unknown) : undefined;
    const message = e.message || (inner instanceof Error ? inner.message : '');
    chain.push({ code: (e as { code?: unknown }).code, message });
  }
  return chain;
}

/** The innermost error (e.g. the one carrying `code: 'ECONNREFUSED'`), so logs don't repeat "fetch failed". */
function rootCause(err: unknown): unknown {
  let e = err;
  for (let depth = 0; depth < 5; depth++) {
    const next: unknown = e instanceof AggregateError && e.errors.length > 0 ? e.errors[0] : e instanceof Error ? e.cause : undefined;
    if (!(next instanceof Error)) break;
    e = next;
  }
  return e;
}

function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const parts = causeChain(err)
    .map((c) => c.message || String(c.code ?? ''))
    .filter((m) => m && m !== 'fetch failed');
  return [...new Set(parts)].join(': ') || err.message || err.name;
}

function isTransient(err: unknown): boolean {
  return causeChain(err).some(
    (c) => (typeof c.code === 'string' && RETRYABLE_CODES.has(c.code)) || /terminated|socket hang up|other side closed/i.test(c.message),
  );
}

/** Loopback, private, link-local, CGNAT and unspecified ranges: never reached by a redirect from a public source. */
const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['100.64.0.0', 10],
] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv6');
}

/** Whether an IP address (v4, v6 or v4-mapped v6) is loopback, private, link-local or unspecified. */
export function isInternalAddress(ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (mapped) return INTERNAL.check(mapped, 'ipv4');
  const family = isIP(ip);
  if (family === 0) return false;
  return INTERNAL.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/** The addresses a host stands for: itself when it is an IP, else every address DNS gives. */
async function resolveHost(host: string): Promise<string[]> {
  if (isIP(host)) return [host];
  return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
}

async function hostAddresses(href: string, resolve: (host: string) => Promise<string[]>): Promise<string[]> {
  const host = new URL(href).hostname.replace(/^\[|\]$/g, '');
  try {
    return await resolve(host);
  } catch (cause) {
    throw new AttemptError(`cannot resolve ${host}: ${describeNetworkError(cause)}`, {
      retryable: true,
      cause,
      hint: 'check network access and DNS',
    });
  }
}

/**
 * Refuses a redirect to an internal address (a cloud metadata endpoint, the admin console
 * on loopback), unless the configured URL itself points inside: then it was meant so.
 */
async function assertRedirectAllowed(target: string, configured: string, resolve: (host: string) => Promise<string[]>): Promise<void> {
  const targets = await hostAddresses(target, resolve);
  if (!targets.some(isInternalAddress)) return;
  const origin = await hostAddresses(configured, resolve).catch(() => [] as string[]);
  if (origin.length > 0 && origin.every(isInternalAddress)) return;
  throw new AttemptError(`refused a redirect from ${configured} to an internal address (${target})`, {
    retryable: false,
    hint: 'a public source may not send the poller to loopback, private or link-local addresses',
  });
}
