/** Benchmark: parse time and memory for a large status page, and one poll's store+diff. */
import { readFileSync } from 'node:fs';
import { getAdapter } from '../sources/adapters/index.js';
import { Catalogue } from '../domain/services.js';
import { packagePath } from '../util/paths.js';

/** A driftstatus-like page with `n` items, built from the shipped sample's markup. */
export function largePage(n: number): string {
  const sample = readFileSync(packagePath('demo', 'pages', 'driftstatus.html'), 'utf8');
  const article = /<article[\s\S]*?<\/article>/.exec(sample)![0];
  const items = Array.from({ length: n }, (_, i) =>
    article.replace(/href="([^"]+)\/"/, `href="$1-${i}/"`).replace('Störning i 1177 journal</a>', `Störning ${i} i 1177 journal</a>`),
  ).join('\n');
  return sample.replace(/<section[\s\S]*<\/section>/, `<section>${items}</section>`);
}

export interface Timing {
  name: string;
  ms: number;
  detail: string;
}

/** Parses a page of `n` items `rounds` times; reports the median. */
export async function benchParse(n: number, rounds = 5): Promise<Timing> {
  const page = largePage(n);
  const adapter = getAdapter('inera-driftstatus')!;
  const ctx = {
    url: 'https://www.inera.se/driftstatus/',
    now: new Date('2026-11-24T09:30:00+01:00'),
    catalogue: Catalogue.load(),
    options: {},
  };
  const times: number[] = [];
  let items = 0;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    items = (await adapter.parse(page, ctx)).items.length;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    name: `parse inera-driftstatus, ${n} items`,
    ms: times[Math.floor(times.length / 2)]!,
    detail: `${(Buffer.byteLength(page) / 1024).toFixed(0)} KiB, ${items} items read, median of ${rounds}`,
  };
}
