/**
 * Parsing a page off the event loop. A hostile or broken page (100,000 nested <div>s)
 * kept cheerio busy for 80 s of CPU, and `serve` answered nothing meanwhile. So a page
 * is first measured with a linear scan of its tags (too deep: refused before any tree is
 * built), then parsed in a worker thread that is terminated when it takes too long.
 * Either way the poll fails with a clear reason and the web app and scheduler run on.
 *
 * This file is both the caller's side (parsePage) and the worker's entry point.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { ParseError } from '../domain/errors.js';
import { Catalogue, type Service } from '../domain/services.js';
import type { ParseResult } from '../domain/types.js';
import { packagePath } from '../util/paths.js';
import { getAdapter } from './adapters/index.js';
import type { SourceOptions } from './adapters/types.js';

/** Deeper pages are refused before parsing; real status pages nest about 20 levels. */
export const MAX_DEPTH = 500;
/** A parse that takes longer is stopped; real pages parse in well under a second. */
export const PARSE_TIME_LIMIT_MS = 10_000;

/** What the worker needs: all plain data, since a worker shares no objects with its parent. */
export interface ParseJob {
  adapter: string;
  body: string;
  url: string;
  /** UTC ISO instant standing for the clock's now. */
  now: string;
  options: SourceOptions;
}

export interface ParseLimits {
  maxDepth?: number;
  timeoutMs?: number;
  /** Parse in a worker thread (default: yes when running as built JavaScript, as in production). */
  worker?: boolean;
}

// Elements whose end tag HTML lets out (a new <p> or <li> closes the open one) or that
// have none at all: counting them would make a long flat list look deep.
const NOT_NESTING = new Set(
  (
    'p li dt dd tr td th thead tbody tfoot option optgroup rb rt rp colgroup caption html head body ' +
    'area base br col embed hr img input link meta param source track wbr'
  ).split(' '),
);
// At a `<`: an optional `/`, a tag name, attributes up to the next `>` (never past another
// `<`, so a page of unclosed `<a<a<a…` costs one pass, not one per `<`), an optional `/`.
const TAG = /(\/?)([a-zA-Z][a-zA-Z0-9:-]*)[^<>]*?(\/?)>/y;

/** The deepest element nesting in `body`, by one linear scan of its tags (no tree is built). */
export function nestingDepth(body: string): number {
  let depth = 0;
  let max = 0;
  for (let i = body.indexOf('<'); i >= 0; i = body.indexOf('<', i + 1)) {
    if (body.startsWith('<!--', i)) {
      const end = body.indexOf('-->', i + 4);
      if (end < 0) break; // the rest is an unclosed comment
      i = end;
      continue;
    }
    TAG.lastIndex = i + 1;
    const m = TAG.exec(body);
    if (!m) continue;
    const [, closing, rawName, selfClosing] = m;
    const name = rawName!.toLowerCase();
    if (NOT_NESTING.has(name) || selfClosing) continue;
    if (closing) depth = Math.max(0, depth - 1);
    else if (++depth > max) max = depth;
  }
  return max;
}

/** Throws a ParseError when the page nests deeper than `maxDepth`. */
export function checkDepth(body: string, maxDepth = MAX_DEPTH): void {
  const depth = nestingDepth(body);
  if (depth > maxDepth) {
    throw new ParseError(`the page nests elements ${depth} levels deep (more than ${maxDepth}); not parsed`, {
      hint: 'a real status page is far shallower; the page is broken or hostile',
    });
  }
}

/** The worker script: this file as built JavaScript (from src/ under the tests, dist/'s copy). */
function workerScript(): string | undefined {
  const self = fileURLToPath(import.meta.url);
  if (self.endsWith('.js')) return self;
  const built = packagePath('dist', 'sources', 'parse-worker.js');
  return existsSync(built) ? built : undefined;
}

/**
 * Parses a page with the named adapter: depth check first, then the adapter in a worker
 * thread with a time limit. Rejects with a ParseError for a page too deep, too slow, or
 * unreadable as a whole.
 */
export async function parsePage(job: ParseJob, catalogue: Catalogue, limits: ParseLimits = {}): Promise<ParseResult> {
  checkDepth(job.body, limits.maxDepth);
  const script = workerScript();
  const useWorker = (limits.worker ?? import.meta.url.endsWith('.js')) && script !== undefined;
  if (!useWorker) return runJob(job, catalogue);
  return runInWorker(script, job, catalogue.services, limits.timeoutMs ?? PARSE_TIME_LIMIT_MS);
}

function runInWorker(script: string, job: ParseJob, services: readonly Service[], timeoutMs: number): Promise<ParseResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: { driftkollParse: true, job, services } });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new ParseError(`parsing the page took longer than ${timeoutMs} ms; stopped`, {
              hint: 'the page is unusually large or complex; it is tried again on the next poll',
            }),
          ),
        ),
      timeoutMs,
    );
    worker.once('message', (msg: WorkerReply) =>
      finish(() => (msg.ok ? resolve(msg.result) : reject(new ParseError(msg.message, { hint: msg.hint })))),
    );
    worker.once('error', (cause) => finish(() => reject(new ParseError('parsing the page failed', { cause }))));
    worker.once('exit', (code) => finish(() => reject(new ParseError(`the parse worker stopped (exit code ${code})`))));
  });
}

type WorkerReply = { ok: true; result: ParseResult } | { ok: false; message: string; hint: string | undefined };

async function runJob(job: ParseJob, catalogue: Catalogue): Promise<ParseResult> {
  const adapter = getAdapter(job.adapter);
  if (!adapter) throw new ParseError(`unknown adapter "${job.adapter}"`, { hint: 'check the source in the config file' });
  return adapter.parse(job.body, { url: job.url, now: new Date(job.now), catalogue, options: job.options });
}

// The worker's side: parse, post the result (or the error's words) and let the parent end it.
const data = workerData as { driftkollParse?: boolean; job: ParseJob; services: Service[] } | null;
if (!isMainThread && parentPort && data?.driftkollParse) {
  const port = parentPort;
  runJob(data.job, new Catalogue(data.services)).then(
    (result) => port.postMessage({ ok: true, result } satisfies WorkerReply),
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      const hint = (e as { hint?: string }).hint;
      const cause = e.cause instanceof Error && !e.message.includes(e.cause.message) ? `: ${e.cause.message}` : '';
      const message = (e instanceof ParseError ? e.message : `the page could not be parsed: ${e.message}`) + cause;
      port.postMessage({ ok: false, message, hint } satisfies WorkerReply);
    },
  );
}
