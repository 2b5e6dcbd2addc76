/** `serve`, the main job, as a process: polls at start, alerts, serves the web app, stops cleanly on SIGTERM. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { startPageServer, type PageServer } from '../helpers/page-server.js';

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

describe('driftkoll serve', () => {
  let dir: string;
  let pages: PageServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'driftkoll-serve-'));
    pages = await startPageServer();
    pages.set({ body: readFileSync(root('demo/pages/driftstatus.html')) }, '/drift/');
    writeFileSync(
      join(dir, 'driftkoll.yaml'),
      `sources:\n  - { id: drift, adapter: inera-driftstatus, url: "${pages.url('/drift/')}" }\n  - { id: gone, adapter: inera-driftstatus, url: "${pages.url('/gone/')}" }\nhttp: { retries: 0 }\ndirectory: ${root('defaults/region-uppsala.yaml')}\n`,
    );
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await pages.close();
  });

  it('loads the directory, polls every source at start, serves /healthz, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'serve'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', PORT: '0', DRIFTKOLL_NOW: '2026-11-24T09:30:00+01:00', LOG_LEVEL: 'info' },
    });
    const lines: Record<string, unknown>[] = [];
    let buffer = '';
    child.stderr.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        lines.push(JSON.parse(buffer.slice(0, i)) as Record<string, unknown>);
        buffer = buffer.slice(i + 1);
      }
    });
    const waitFor = async (msg: string, sourceId?: string) => {
      for (let i = 0; i < 200; i++) {
        const hit = lines.find((l) => l.msg === msg && (!sourceId || l.sourceId === sourceId));
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no "${msg}" log line; got: ${lines.map((l) => l.msg).join(' | ')}`);
    };
    try {
      expect(await waitFor('directory loaded')).toBeTruthy();
      const web = (await waitFor('web app listening')) as { url: string };
      expect(await waitFor('baseline recorded', 'drift')).toMatchObject({ items: 3, baseline: true });
      expect(await waitFor('poll failed; stored state left as it was', 'gone')).toMatchObject({ err: expect.stringMatching(/HTTP 404/) });
      const health = (await (await fetch(`${web.url}/healthz`)).json()) as { ok: boolean; sources: { id: string; healthy: boolean }[] };
      expect(health.ok).toBe(true);
      expect(health.sources.map((s) => [s.id, s.healthy])).toEqual([
        ['drift', true],
        ['gone', false],
      ]);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(lines.at(-1)).toMatchObject({ msg: 'stopped' });
    } finally {
      child.kill('SIGKILL');
    }
    // The same database, read by the CLI afterwards.
    const events = JSON.parse((await runCli(['events', '--json'], { cwd: dir })).stdout) as unknown[];
    expect(events).toHaveLength(3);
  });

  it('stops within seconds when a supervisor sends SIGTERM to `npm start`', async () => {
    // npm runs the script through sh; `exec` in the script makes node npm's own child, so the signal reaches it.
    const npm = spawn('npm', ['start'], {
      cwd: root(''),
      env: {
        PATH: process.env.PATH ?? '',
        DRIFTKOLL_CONFIG: join(dir, 'driftkoll.yaml'),
        DRIFTKOLL_DB: join(dir, 'npm.db'),
        PORT: '0',
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
      },
    });
    let log = '';
    npm.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    try {
      let url: string | undefined;
      for (let i = 0; i < 200 && !url; i++) {
        url = /"url":"(http:[^"]+)","msg":"web app listening"/.exec(log)?.[1];
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(url, log).toBeDefined();
      // It answers (503 until a source has been read: the first polls are still running).
      expect([200, 503]).toContain((await fetch(`${url}/healthz`)).status);
      const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
      const started = Date.now();
      npm.kill('SIGTERM');
      await exited;
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(log).toContain('"msg":"stopped"');
      // Nobody holds the port any more.
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      npm.kill('SIGKILL');
    }
  });
});
