/**
 * Failures that explain themselves: each exits with its code and says one line on stderr that
 * names what to fix, never a library's raw words. The built CLI as a process, real files.
 */
import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWarnings } from '../../src/app/warnings.js';
import { CLI, runCli, type CliResult } from '../helpers/cli.js';
import { createTestApp } from '../helpers/app.js';
import { upsertSubscription } from '../../src/store/subscriptions.repo.js';

/** Exit code and the only stderr line. */
function oneLine(r: CliResult, code: number): string {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^driftkoll: /);
  return lines[0]!;
}

describe('failures that explain themselves', { timeout: 60_000 }, () => {
  let dir: string;
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: dir, env });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'driftkoll-failures-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('config and environment: unknown adapter, YAML error, LOG_LEVEL, LOG_FORMAT, DRIFTKOLL_BASE_URL', async () => {
    const adapter = join(dir, 'adapter.yaml');
    writeFileSync(
      adapter,
      'sources:\n  - { id: a, adapter: inera-driftstatus, url: "https://x.example/" }\n  - { id: b, adapter: inera-drift, url: "https://x.example/" }\n',
    );
    const yaml = join(dir, 'yaml.yaml');
    writeFileSync(yaml, 'sources:\n  - id: a\n   adapter: rss\n');
    const [a, y, level, format, base] = await Promise.all([
      cli(['--config', adapter, 'sources']),
      cli(['--config', yaml, 'events']),
      cli(['services'], { LOG_LEVEL: 'verbose' }),
      cli(['services'], { LOG_FORMAT: 'xml' }),
      cli(['services'], { DRIFTKOLL_BASE_URL: 'driftkoll.example.se' }),
    ]);
    expect(oneLine(a, 2)).toBe(
      `driftkoll: ${adapter}: sources.1.adapter: unknown adapter "inera-drift"; known: inera-driftstatus, inera-kommande-atgarder, inera-planeringskalendern, rss`,
    );
    const yamlLine = oneLine(y, 2);
    expect(yamlLine).toBe(`driftkoll: ${yaml}: not valid YAML: line 3, column 1: Sequence item without - indicator`);
    expect(oneLine(level, 2)).toBe('driftkoll: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent: verbose');
    expect(oneLine(format, 2)).toBe('driftkoll: LOG_FORMAT must be json or pretty: xml');
    expect(oneLine(base, 2)).toMatch(/^driftkoll: DRIFTKOLL_BASE_URL must be an http\(s\) URL .*: driftkoll\.example\.se$/);
    // The missing-database check comes after the config: nothing was created for these.
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  it('read-only commands on a missing database say so, name the path and create nothing', async () => {
    const path = join(dir, 'nowhere', 'd.db');
    const env = { DRIFTKOLL_DB: path };
    const commands = [['events'], ['changes'], ['sources'], ['outbox'], ['outbox', 'show', '1'], ['directory', 'list'], ['subscriptions']];
    const results = await Promise.all(commands.map((args) => cli(args, env)));
    for (const r of results) expect(oneLine(r, 2)).toMatch(new RegExp(`^driftkoll: no database at ${path} \\(run \`driftkoll poll\``));
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  it('bad option values and a database that cannot be opened: exit 2, one line, no SQLite words alone', async () => {
    const notAFolder = join(dir, 'file');
    writeFileSync(notAFolder, 'x');
    const notADb = join(dir, 'garbage.db');
    writeFileSync(notADb, 'this is not a database, it is a note\n'.repeat(20));
    const db = { DRIFTKOLL_DB: join(dir, 'ok.db') };
    const [limit, zero, status, kind, folder, garbage] = await Promise.all([
      cli(['outbox', '--limit', 'abc'], db),
      cli(['outbox', '--limit', '0'], db),
      cli(['outbox', '--status', 'bogus'], db),
      cli(['outbox', '--kind', 'newsletter'], db),
      cli(['poll'], { DRIFTKOLL_DB: join(notAFolder, 'd.db') }),
      cli(['events'], { DRIFTKOLL_DB: notADb }),
    ]);
    expect(oneLine(limit, 2)).toBe("driftkoll: option '--limit <n>' argument 'abc' is invalid. expected a whole number of 1 or more.");
    expect(oneLine(zero, 2)).toMatch(/--limit <n>' argument '0' is invalid/);
    expect(oneLine(status, 2)).toBe(
      "driftkoll: option '--status <status>' argument 'bogus' is invalid. Allowed choices are queued, sending, sent, failed.",
    );
    expect(oneLine(kind, 2)).toMatch(/Allowed choices are alert, digest, reminder, resend\.$/);
    expect(oneLine(folder, 2)).toMatch(
      new RegExp(
        `^driftkoll: cannot open the database ${join(notAFolder, 'd.db')}: a part of the path is a file, not a folder: .*\\(check that the user running driftkoll can read and write`,
      ),
    );
    expect(oneLine(garbage, 2)).toMatch(
      new RegExp(`^driftkoll: cannot open the database ${notADb}: the file is not an SQLite database: .*\\(check that DRIFTKOLL_DB`),
    );
  });

  const isRoot = process.getuid?.() === 0;
  const runuser = ['/usr/sbin/runuser', '/sbin/runuser'].find((p) => existsSync(p));
  it.skipIf(isRoot && !runuser)('a database its user cannot write names the path and what to check', async () => {
    // Root may write anything, so as root the CLI runs as `nobody` on root's files; otherwise the folder is made read-only.
    const asRoot = isRoot;
    const shared = mkdtempSync(join(tmpdir(), 'driftkoll-readonly-'));
    const path = join(shared, 'd.db');
    try {
      expect(
        (
          await runCli(['subscribe', '--email', 'a@regionuppsala.example', '--services', 'npo'], {
            cwd: shared,
            env: { DRIFTKOLL_DB: path },
          })
        ).code,
      ).toBe(0);
      chmodSync(shared, asRoot ? 0o755 : 0o555);
      const args = [CLI, 'subscriptions'];
      const r = await new Promise<CliResult>((resolve) => {
        const [cmd, argv] = asRoot ? [runuser!, ['-u', 'nobody', '--', process.execPath, ...args]] : [process.execPath, args];
        execFile(
          cmd,
          argv,
          { cwd: shared, env: { PATH: process.env.PATH ?? '', DRIFTKOLL_DB: path, LOG_LEVEL: 'warn' } },
          (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
        );
      });
      expect(oneLine(r, 2)).toMatch(
        new RegExp(
          `^driftkoll: cannot open the database ${path}: (the (folder|file or its folder) is read-only|the file cannot be opened): .*\\(check that the user running driftkoll can read and write the file and its folder`,
        ),
      );
    } finally {
      chmodSync(shared, 0o700);
      rmSync(shared, { recursive: true, force: true });
    }
  });

  it('sources lists every configured source before the first poll; output into a closed pipe ends quietly', async () => {
    const config = join(dir, 'two.yaml');
    writeFileSync(
      config,
      'sources:\n  - { id: drift, adapter: inera-driftstatus, url: "https://www.inera.se/driftstatus/" }\n  - { id: ehm, adapter: rss, url: "https://status.example.se/feed.xml" }\n',
    );
    const env = { DRIFTKOLL_DB: join(dir, 'sources.db') };
    // A command that may create the database does; nothing has been polled yet.
    const created = await cli(['--config', config, 'subscribe', '--email', 'a@regionuppsala.example', '--services', 'npo'], env);
    expect(created.code, created.stderr).toBe(0);
    const [text, json] = await Promise.all([
      cli(['--config', config, 'sources'], env),
      cli(['--config', config, 'sources', '--json'], env),
    ]);
    expect(text.stdout).toBe('drift\tnot polled yet\nehm\tnot polled yet\n');
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ id: 'drift', polled: false, healthy: false, lastPoll: null }),
      expect.objectContaining({ id: 'ehm', adapter: 'rss', polled: false }),
    ]);

    // `driftkoll services --json | head -1`: the reader is gone before the first write.
    const child = spawn(process.execPath, [CLI, 'services', '--json'], { cwd: dir, env: { PATH: process.env.PATH ?? '' } });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('serve warns at start about an empty directory, localhost links over SMTP and mail kept locally', async () => {
    const app = createTestApp({ sources: [{ id: 'drift', adapter: 'inera-driftstatus', url: 'https://www.inera.se/driftstatus/' }] });
    try {
      const codes = (config: Partial<typeof app.config>) =>
        startWarnings({ db: app.db, config: { ...app.config, ...config } }).map((w) => w.code);
      expect(codes({ smtpUrl: null })).toEqual(['directory-empty', 'mail-local']);
      expect(codes({ smtpUrl: 'smtp://127.0.0.1:2525', baseUrl: 'http://localhost:8080' })).toEqual([
        'directory-empty',
        'base-url-default',
      ]);
      expect(codes({ smtpUrl: 'smtp://127.0.0.1:2525', baseUrl: 'https://driftkoll.regionuppsala.se' })).toEqual(['directory-empty']);
      upsertSubscription(
        app.db,
        { email: 'a@regionuppsala.example', services: ['npo'], cadence: 'daily', kinds: ['disruption'], confirmed: true },
        'x',
      );
      expect(startWarnings({ db: app.db, config: { ...app.config, smtpUrl: null } })[0]!.message).toMatch(/only 1 subscriber\(s\) will/);
    } finally {
      app.close();
    }

    // And `serve` logs them: the one call line in serve.ts is there.
    const config = join(dir, 'serve.yaml');
    writeFileSync(
      config,
      'sources:\n  - { id: drift, adapter: inera-driftstatus, url: "http://127.0.0.1:9/" }\nhttp: { retries: 0, timeout: 2s }\n',
    );
    const r = await cli(['--config', config, 'serve', '--once'], {
      DRIFTKOLL_DB: join(dir, 'serve.db'),
      PORT: '0',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      SMTP_URL: 'smtp://127.0.0.1:9',
    });
    const warnings = r.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { warning?: string })
      .map((l) => l.warning)
      .filter(Boolean);
    expect(warnings).toEqual(['directory-empty', 'base-url-default']);
  });
});
