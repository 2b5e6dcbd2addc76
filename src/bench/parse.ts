/** Benchmark: items per second parsing large driftstatus and planning-calendar pages. */
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

/** A planning-calendar page with `n` items over the months of 2027, from the shipped sample's first item. */
export function largeCalendar(n: number): string {
  const sample = readFileSync(packagePath('demo', 'pages', 'planeringskalendern.html'), 'utf8');
  const li = /<li class="calendar-item">[\s\S]*?<\/li>/.exec(sample)![0];
  const months = ['Januari', 'Februari', 'Mars', 'April', 'Maj', 'Juni', 'Juli', 'Augusti', 'September', 'Oktober', 'November', 'December'];
  const sections = months.map((month, m) => {
    const count = Math.floor(n / 12) + (m < n % 12 ? 1 : 0);
    const items = Array.from({ length: count }, (_, i) =>
      li
        .replace('release-1177-inkorg-2026-4/', `release-${m}-${i}/`)
        .replace('Release 1177 inkorg 2026.4</a>', `Release 1177 inkorg 2027.${m}.${i}</a>`)
        .replace(
          /<span class="calendar-day">8<\/span> <span class="calendar-month-short">dec<\/span>/,
          `${1 + (i % 28)} ${month.toLowerCase()}`,
        )
        .replace('Tisdag 8 december 2026', `${1 + (i % 28)} ${month.toLowerCase()} 2027`),
    );
    return `<section class="calendar-month"><h2>${month} 2027</h2><ul class="calendar-list">${items.join('\n')}</ul></section>`;
  });
  return sample.replace(/<section[\s\S]*<\/section>/, sections.join('\n'));
}

export interface ParseTiming {
  adapter: string;
  items: number;
  ms: number;
  /** Items per second of wall time. */
  itemsPerSecond: number;
  /** Items per second of this process's CPU time: steadier than wall time on a busy machine. */
  itemsPerCpuSecond: number;
  kib: number;
}

/** Parses a page of `n` items `rounds` times after one warm-up; reports the median. */
export async function benchParse(
  adapterName: 'inera-driftstatus' | 'inera-planeringskalendern',
  n: number,
  rounds = 5,
): Promise<ParseTiming> {
  const page = adapterName === 'inera-driftstatus' ? largePage(n) : largeCalendar(n);
  const adapter = getAdapter(adapterName)!;
  const ctx = {
    url: 'https://www.inera.se/',
    now: new Date('2026-11-24T09:30:00+01:00'),
    catalogue: Catalogue.load(),
    options: {},
  };
  await adapter.parse(page, ctx);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let items = 0;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    items = (await adapter.parse(page, ctx)).items.length;
    const cpu = process.cpuUsage(c0);
    times.push(performance.now() - t0);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
  }
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ms = mid(times);
  return {
    adapter: adapterName,
    items,
    ms,
    itemsPerSecond: (items / ms) * 1000,
    itemsPerCpuSecond: (items / mid(cpuTimes)) * 1000,
    kib: Buffer.byteLength(page) / 1024,
  };
}
