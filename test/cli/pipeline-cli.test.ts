/** The CLI contract of DESIGN.md: commands, JSON shapes, exit codes and one-line errors. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startPageServer, type PageServer } from '../helpers/page-server.js';

const sample = (p: string) => fileURLToPath(new URL(`../fixtures/samples/${p}`, import.meta.url));
const NOW = { DRIFTKOLL_NOW: '2026-11-24T09:30:00+01:00' };

describe('driftkoll CLI', () => {
  let dir: string;
  let server: PageServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'driftkoll-cli-'));
    server = await startPageServer();
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  });

  it('parse decodes a saved page by its own charset declaration, as a fetched page is', async () => {
    const file = fileURLToPath(new URL('../fixtures/pages/latin1.html', import.meta.url));
    const r = await runCli(['parse', '--adapter', 'inera-driftstatus', '--file', file], { cwd: dir, env: NOW });
    expect(r.code).toBe(0);
    const [item] = JSON.parse(r.stdout) as { title: string; services: string[]; status: string }[];
    expect(item).toMatchObject({ title: 'Störning i Nationell patientöversikt', services: ['npo'], status: 'ongoing' });
    const missing = await runCli(['parse', '--adapter', 'rss', '--file', join(dir, 'nope.xml')], { cwd: dir, env: NOW });
    expect([missing.code, missing.stderr.trim()]).toEqual([2, `driftkoll: cannot read ${join(dir, 'nope.xml')}: no such file`]);
  });

  it('parse prints the three driftstatus items as JSON', async () => {
    const r = await runCli(['parse', '--adapter', 'inera-driftstatus', '--file', sample('inera/driftstatus.html')], { cwd: dir, env: NOW });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const items = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(items.map((i) => [i.kind, i.status, i.services, i.start, i.end])).toEqual([
      ['disruption', 'ongoing', ['1177-journal'], '2026-11-24T08:40:00+01:00', null],
      ['disruption', 'ongoing', ['siths', 'npo', 'intygstjanster'], '2026-11-24T07:55:00+01:00', '2026-11-24T12:00:00+01:00'],
      ['disruption', 'resolved', ['1177-tidbokning'], '2026-11-23T14:10:00+01:00', '2026-11-23T16:45:00+01:00'],
    ]);
    expect(items[0]).toMatchObject({
      source: 'inera-driftstatus',
      title: 'Störning i 1177 journal',
      url: 'https://www.inera.se/driftstatus/pagaende/storning-i-1177-journal-2611/',
      key: 'url:https://www.inera.se/driftstatus/pagaende/storning-i-1177-journal-2611',
    });
  });

  it('exits 2 with one line on bad usage', async () => {
    const r = await runCli(['parse', '--adapter', 'nope', '--file', sample('inera/driftstatus.html')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown adapter "nope"/);
    for (const args of [['frobnicate'], ['poll', '--bogus'], ['parse', '--file', 'x.html']]) {
      const bad = await runCli(args, { cwd: dir });
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    expect((await runCli(['changes', '--since', 'yesterday'], { cwd: dir, env: { DRIFTKOLL_DB: join(dir, 'x.db') } })).code).toBe(2);
  });

  it('exits 2 naming the file and field of a bad config', async () => {
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(cfg, 'sources:\n  - id: x\n    adapter: rss\n    url: not a url\n');
    const r = await runCli(['--config', cfg, 'poll'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(cfg);
    expect(r.stderr).toContain('sources.0.url');
  });

  it('polls, lists events and changes, and exits 1 when a source fails', async () => {
    server.set({ body: readFileSync(sample('inera/driftstatus.html')) }, '/driftstatus/');
    server.set({ status: 500, body: 'down' }, '/broken/');
    const cfg = join(dir, 'driftkoll.yaml');
    writeFileSync(
      cfg,
      `sources:\n  - { id: drift, adapter: inera-driftstatus, url: "${server.url('/driftstatus/')}" }\n  - { id: broken, adapter: inera-driftstatus, url: "${server.url('/broken/')}" }\nhttp: { retries: 0 }\n`,
    );
    const env = { ...NOW, DRIFTKOLL_DB: join(dir, 'cli.db') };
    const poll = await runCli(['poll'], { cwd: dir, env });
    expect(poll.code).toBe(1);
    expect(poll.stdout).toMatch(/drift: baseline of 3 items/);
    expect(poll.stdout).toMatch(/broken: FAILED: HTTP 500/);

    const ok = await runCli(['poll', '--source', 'drift'], { cwd: dir, env });
    expect(ok.code).toBe(0);

    const health = JSON.parse((await runCli(['sources', '--json'], { cwd: dir, env })).stdout) as Record<string, unknown>[];
    // In the config's order.
    expect(health).toEqual([
      expect.objectContaining({ id: 'drift', healthy: true, consecutiveFailures: 0, itemsFound: 3, unknownServices: [] }),
      expect.objectContaining({ id: 'broken', healthy: false, consecutiveFailures: 1, lastError: expect.stringMatching(/HTTP 500/) }),
    ]);

    const events = JSON.parse((await runCli(['events', '--json'], { cwd: dir, env })).stdout) as Record<string, unknown>[];
    expect(events).toHaveLength(3);
    for (const e of events)
      expect(Object.keys(e)).toEqual(
        expect.arrayContaining(['id', 'key', 'source', 'kind', 'status', 'title', 'services', 'start', 'end', 'url', 'impact']),
      );

    const changes = JSON.parse(
      (await runCli(['changes', '--json', '--since', '2026-11-24T08:00:00Z'], { cwd: dir, env })).stdout,
    ) as Record<string, unknown>[];
    expect(changes).toHaveLength(3);
    expect(changes[0]).toMatchObject({ type: 'created', fields: [], at: '2026-11-24T09:30:00+01:00' });
    const later = await runCli(['changes', '--json', '--since', '2026-11-24T09:00:00Z'], { cwd: dir, env });
    expect(JSON.parse(later.stdout)).toEqual([]);
  });
});
