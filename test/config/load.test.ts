import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/domain/errors.js';

describe('configuration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'driftkoll-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (text: string, name = 'driftkoll.yaml') => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('falls back to built-in defaults: the three Inera pages, ./data/driftkoll.db, local outbox', () => {
    const c = loadConfig({ env: {}, cwd: dir });
    expect(c.origin).toBe('built-in defaults');
    expect(c.sources.map((s) => [s.id, s.url, s.intervalMs])).toEqual([
      ['inera-driftstatus', 'https://www.inera.se/driftstatus/', 300_000],
      ['inera-kommande-atgarder', 'https://www.inera.se/driftstatus/kommande-atgarder/', 300_000],
      ['inera-planeringskalendern', 'https://www.inera.se/aktuellt/planeringskalendern/', 300_000],
    ]);
    expect(c.databasePath).toBe(join(dir, 'data', 'driftkoll.db'));
    expect(c.smtpUrl).toBeNull();
    expect(c.directoryPath).toBeNull();
    expect(c.http).toMatchObject({ timeoutMs: 15_000, maxBytes: 5 * 1024 * 1024, retries: 2 });
    expect(c.http.userAgent).toMatch(/^driftkoll\/\d+\.\d+\.\d+ \(\+mailto:.+@.+\)$/);
  });

  it('finds ./driftkoll.yaml, then DRIFTKOLL_CONFIG, then --config; env overrides win', () => {
    write('sources:\n  - { id: a, adapter: rss, url: "https://a.example/feed", interval: 90s }\ndirectory: dir.yaml\n');
    const other = write('sources:\n  - { id: b, adapter: rss, url: "https://b.example/feed" }\npolling: { interval: 1m }\n', 'other.yaml');
    expect(loadConfig({ env: {}, cwd: dir }).sources.map((s) => [s.id, s.intervalMs])).toEqual([['a', 90_000]]);
    expect(loadConfig({ env: {}, cwd: dir }).directoryPath).toBe(join(dir, 'dir.yaml'));
    expect(loadConfig({ env: { DRIFTKOLL_CONFIG: other }, cwd: dir }).sources.map((s) => [s.id, s.intervalMs])).toEqual([['b', 60_000]]);
    const c = loadConfig({
      file: 'other.yaml',
      env: { DRIFTKOLL_DB: 'x/y.db', SMTP_URL: 'smtp://127.0.0.1:2525', PORT: '9090', DRIFTKOLL_BASE_URL: 'https://d.example/' },
      cwd: dir,
    });
    expect(c).toMatchObject({
      databasePath: join(dir, 'x/y.db'),
      smtpUrl: 'smtp://127.0.0.1:2525',
      port: 9090,
      baseUrl: 'https://d.example',
    });
  });

  it.each([
    ['sources:\n  - { id: a, adapter: rss, url: "nope" }\n', /sources\.0\.url/],
    ['sources:\n  - { id: A B, adapter: rss, url: "https://a.example" }\n', /sources\.0\.id: lower-case/],
    ['sources:\n  - { id: a, adapter: rss, url: "https://a.example", interval: soon }\n', /sources\.0\.interval/],
    [
      'sources:\n  - { id: a, adapter: rss, url: "https://a.example" }\n  - { id: a, adapter: rss, url: "https://b.example" }\n',
      /sources\.1\.id: duplicate source id "a"/,
    ],
    ['polling: { vanishAfter: 0 }\n', /polling\.vanishAfter/],
    ['colour: blue\n', /colour|Unrecognized key/],
    ['sources: [\n', /not valid YAML/],
  ])('a bad file names the file and the field: %j', (text, pattern) => {
    const path = write(text);
    expect(() => loadConfig({ env: {}, cwd: dir })).toThrow(ConfigError);
    try {
      loadConfig({ env: {}, cwd: dir });
    } catch (err) {
      expect((err as Error).message.startsWith(path)).toBe(true);
      expect((err as Error).message).toMatch(pattern);
    }
  });

  it('rejects an SMTP_URL that is not smtp:// or smtps://', () => {
    expect(() => loadConfig({ env: { SMTP_URL: 'http://mail' }, cwd: dir })).toThrow(/SMTP_URL/);
  });
});
