/** `npm run bench`: the speed and memory numbers quoted in the README, measured here. */
import { benchParse, type Timing } from './parse.js';

async function main(): Promise<void> {
  const results: Timing[] = [];
  for (const n of [100, 1000, 5000]) results.push(await benchParse(n));
  const { benchDigests } = await import('./digests.js');
  results.push(...(await benchDigests(1000)));
  for (const r of results) console.log(`${r.name.padEnd(48)} ${r.ms.toFixed(1).padStart(9)} ms   ${r.detail}`);
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}

await main();
