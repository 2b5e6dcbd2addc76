/** Shared set-up for adapter tests: the fixed clock, the real catalogue, fixture readers. */
import { readFileSync } from 'node:fs';
import { Catalogue } from '../../../src/domain/services.js';
import { getAdapter } from '../../../src/sources/adapters/index.js';
import type { AdapterContext, SourceOptions } from '../../../src/sources/adapters/types.js';
import type { ParseResult } from '../../../src/domain/types.js';

export const NOW = new Date('2026-11-24T09:30:00+01:00');
export const catalogue = Catalogue.load();

/** One of the design samples, copied into test/fixtures/samples from the shared design reference. */
export function sample(name: string): string {
  return readFileSync(new URL(`../../fixtures/samples/${name}`, import.meta.url), 'utf8');
}

/** One of our own fixture pages. */
export function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/pages/${name}`, import.meta.url), 'utf8');
}

export function ctx(url: string, options: SourceOptions = {}): AdapterContext {
  return { url, now: NOW, catalogue, options };
}

/** Runs the named adapter. */
export function parseWith(adapter: string, body: string, url: string, options: SourceOptions = {}): Promise<ParseResult> {
  const a = getAdapter(adapter);
  if (!a) throw new Error(`no adapter ${adapter}`);
  return a.parse(body, ctx(url, options));
}
