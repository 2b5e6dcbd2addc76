/**
 * `npm run demo`: serves the project's sample pages on loopback as a sequence that
 * changes over a few polls, and runs the real pipeline against them, so a newcomer
 * sees events and changes appear without the internet — and the alerts and digests
 * that the Region Uppsala sample directory would get.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { Catalogue } from '../domain/services.js';
import { listChanges } from '../store/changes.repo.js';
import { openDb } from '../store/db.js';
import { getEvent } from '../store/events.repo.js';
import { pollSources } from '../sources/poll.js';
import { drainOutbox } from '../mail/drain.js';
import { importDirectory, readDirectoryFile } from '../directory/import.js';
import { createRenderer } from '../mail/render.js';
import { notifyPending } from '../notify/alerts.js';
import { sendDigests } from '../notify/digests.js';
import { sendReminders } from '../notify/reminders.js';
import { listMessages } from '../store/outbox.repo.js';
import { createLogger } from '../util/logger.js';
import { count } from '../util/plural.js';
import { packagePath } from '../util/paths.js';

const page = (name: string) => readFileSync(packagePath('demo', 'pages', name), 'utf8');

/** Each step rewrites the sample pages a little, as Inera would between polls. */
const STEPS: { say: string; driftstatus: (html: string) => string; kommande: (html: string) => string }[] = [
  { say: 'first poll: a silent baseline of what is listed now', driftstatus: (h) => h, kommande: (h) => h },
  {
    say: 'Inera gives the journal disruption a forecast and a new disruption appears',
    driftstatus: (h) =>
      h.replace('<dd>Prognos saknas</dd>', '<dd>2026-11-24 kl. 13.00</dd>').replace(
        '<article class="status-item status-item--resolved">',
        `<article class="status-item status-item--incident">
      <span class="status-badge">Pågående störning</span>
      <h3><a href="/driftstatus/pagaende/inkorg-fordrojning/">Meddelanden i 1177 inkorg fördröjs</a></h3>
      <dl><dt>Tjänst</dt><dd>1177 inkorg</dd><dt>Start</dt><dd>2026-11-24 kl. 09.20</dd>
      <dt>Beräknas klart</dt><dd>Prognos saknas</dd><dt>Påverkan</dt><dd>Meddelanden kommer fram med upp till en timmes fördröjning.</dd></dl>
    </article>
    <article class="status-item status-item--resolved">`,
      ),
    kommande: (h) => h,
  },
  {
    say: 'the SITHS disruption is fixed and the NTjP service window moves a day',
    driftstatus: (h) =>
      STEPS[1]!
        .driftstatus(h)
        .replace(
          '<span class="status-badge">Pågående störning</span>\n      <h3><a href="/driftstatus/pagaende/siths-eid-inloggning/">Svårt',
          '<span class="status-badge">Åtgärdad</span>\n      <h3><a href="/driftstatus/pagaende/siths-eid-inloggning/">Åtgärdat: Svårt',
        ),
    kommande: (h) => h.replace('Natten mot torsdag 3 december 2026', 'Natten mot fredag 4 december 2026'),
  },
  {
    say: 'the HSA window is gone from the page (vanishes only after 3 polls without it)',
    driftstatus: (h) => STEPS[2]!.driftstatus(h),
    kommande: (h) => STEPS[2]!.kommande(h).replace(/<article class="status-item status-item--cancelled">[\s\S]*?<\/article>/, ''),
  },
];

async function main(): Promise<void> {
  const logger = createLogger({ LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  let step = 0;
  const serveOnly = process.argv.includes('--serve');
  const server = createServer((req, res) => {
    const s = STEPS[Math.min(step, STEPS.length - 1)]!;
    const body =
      req.url === '/driftstatus/'
        ? s.driftstatus(page('driftstatus.html'))
        : req.url === '/driftstatus/kommande-atgarder/'
          ? s.kommande(page('kommande-atgarder.html'))
          : req.url === '/aktuellt/planeringskalendern/'
            ? page('planeringskalendern.html')
            : null;
    res.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body ?? 'not found');
    // By hand, each poll of driftstatus moves the sequence on (the scripted demo sets `step` itself).
    if (serveOnly && req.url === '/driftstatus/') step++;
  });
  await new Promise<void>((resolve) => server.listen(serveOnly ? Number(process.env.PORT ?? 8088) : 0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (serveOnly) return serveForCli(base);

  const dbPath = join(process.cwd(), 'data', 'demo.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
  const config = loadConfig({ env: { DRIFTKOLL_DB: dbPath, SMTP_URL: process.env.SMTP_URL ?? '' }, cwd: process.cwd() });
  config.sources = config.sources.map((s) => ({ ...s, url: base + new URL(s.url).pathname }));
  const db = openDb(config.databasePath);
  let t = new Date('2026-11-24T09:30:00+01:00').getTime();
  const clock = { now: () => new Date(t) };
  const deps = { db, config, clock, catalogue: Catalogue.load(), logger };
  const notifyDeps = { ...deps, renderer: createRenderer() };
  const report = importDirectory(db, readDirectoryFile(packagePath('defaults', 'region-uppsala.yaml'), deps.catalogue));
  console.log(
    `directory: the Region Uppsala sample, ${count(report.unitsAdded.length, 'administration or object', 'administrations and objects')}`,
  );
  console.log(`mail: ${config.smtpUrl ? `SMTP at ${config.smtpUrl}` : 'kept in the local outbox (set SMTP_URL to send)'}`);

  console.log(`driftkoll demo: sample pages served at ${base}, database ${dbPath}\n`);
  const polls = STEPS.length + 2;
  for (let i = 0; i < polls; i++) {
    step = i;
    const say = STEPS[Math.min(i, STEPS.length - 1)]!.say;
    console.log(`── poll ${i + 1} at ${clock.now().toISOString()}: ${i < STEPS.length ? say : 'nothing new on the pages'}`);
    const lastId = listChanges(db).at(-1)?.id ?? 0;
    const results = await pollSources(deps, config.sources);
    for (const r of results)
      console.log(
        `   ${r.sourceId}: ${r.outcome}${r.items !== null ? `, ${count(r.items, 'item')}` : ''}${r.error ? ` (${r.error})` : ''}`,
      );
    for (const c of listChanges(db).filter((x) => x.id > lastId)) {
      const e = getEvent(db, c.eventId)!;
      const fields = c.fields.length ? ` [${c.fields.join(', ')}]` : '';
      console.log(`   ${c.baseline ? '(baseline) ' : ''}${c.type}${fields}: ${e.title} — ${e.services.join(', ')}`);
    }
    const alerts = await notifyPending(notifyDeps);
    if (alerts.alerts) console.log(`   → ${count(alerts.alerts, 'alert')} to contacts of the services concerned`);
    await drainOutbox(deps);
    t += 5 * 60_000;
  }

  t = new Date('2026-11-25T07:30:00+01:00').getTime();
  console.log(`── next morning at ${clock.now().toISOString()}: the daily digest slot`);
  const reminders = await sendReminders(notifyDeps);
  const digests = await sendDigests(notifyDeps);
  const delivered = await drainOutbox(deps);
  console.log(
    `   → ${count(digests.enqueued, 'digest')} (${count(digests.empty, 'recipient')} had nothing to read), ` +
      `${count(reminders, 'reminder')}; ${count(delivered.sent, 'message')} delivered`,
  );
  const sample = listMessages(db, { kind: 'digest', to: 'etjanstesamordnare@akademiska.regionuppsala.example' })[0];
  if (sample) console.log(`\n   The digest to ${sample.to}:\n   Subject: ${sample.subject}\n\n${sample.text.replace(/^/gm, '   | ')}`);
  console.log('\nTry: DRIFTKOLL_DB=data/demo.db npx driftkoll events --json   (or changes --json, outbox --json)');
  db.close();
  server.close();
}

/**
 * `npm run demo -- --serve`: only serve the pages (each poll of driftstatus moves the
 * sequence one step) and write a config, so the CLI can be tried by hand against them.
 */
function serveForCli(base: string): void {
  const configPath = join(process.cwd(), 'data', 'demo-driftkoll.yaml');
  mkdirSync(dirname(configPath), { recursive: true });
  const ids = ['inera-driftstatus', 'inera-kommande-atgarder', 'inera-planeringskalendern'];
  const paths = ['/driftstatus/', '/driftstatus/kommande-atgarder/', '/aktuellt/planeringskalendern/'];
  writeFileSync(
    configPath,
    `# Written by npm run demo -- --serve: the sample pages on loopback.\nsources:\n${ids
      .map((id, i) => `  - { id: ${id}, adapter: ${id}, url: "${base}${paths[i]}" }`)
      .join('\n')}\ndirectory: ../defaults/region-uppsala.yaml\ndatabase: demo-cli.db\n`,
  );
  console.log(`Sample pages served at ${base}; every poll of driftstatus moves them one step on.`);
  console.log(`Config written to ${configPath}. In another terminal, for example:`);
  console.log(`  npx driftkoll --config ${configPath} directory import defaults/region-uppsala.yaml`);
  console.log(`  npx driftkoll --config ${configPath} poll`);
  console.log(`  SMTP_URL=smtp://127.0.0.1:2525 npx driftkoll --config ${configPath} digest --send`);
  console.log('Stop with Ctrl-C.');
}

await main();
