import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { formatImportReport, importDirectory, readDirectoryFile } from '../../src/directory/import.js';
import type { Directory } from '../../src/directory/schema.js';
import { ConfigError } from '../../src/domain/errors.js';
import { Catalogue } from '../../src/domain/services.js';
import { openDb, type Db } from '../../src/store/db.js';
import { allContacts, contactsByEmail, contactsForServices, listUnits } from '../../src/store/directory.repo.js';
import { packagePath } from '../../src/util/paths.js';

const SAMPLE = packagePath('defaults', 'region-uppsala.yaml');
const catalogue = Catalogue.load();

let dir: string;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'driftkoll-directory-'));
  db = openDb(join(dir, 'test.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeYaml(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Everything the import may touch, for "exactly as before" comparisons. */
function snapshot(): unknown {
  return {
    units: db.prepare('SELECT * FROM units ORDER BY id').all(),
    contacts: db.prepare('SELECT * FROM contacts ORDER BY id').all(),
  };
}

function importSample() {
  return importDirectory(db, readDirectoryFile(SAMPLE, catalogue));
}

function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('the shipped sample directory', () => {
  it('imports 20 units with their contacts', () => {
    const report = importSample();
    expect(report.unitsAdded).toHaveLength(20);
    expect(report.contactsAdded).toHaveLength(20);
    expect(report.contactsAdded).toContain('akademiska/etjanstesamordnare@akademiska.regionuppsala.example');
    expect(formatImportReport(report)).toContain('+ unit akademiska (Akademiska sjukhuset)');
    const units = listUnits(db);
    expect(units).toHaveLength(20);
    expect(units.filter((u) => u.type === 'object').map((u) => u.id)).toEqual([
      'epj',
      'kst',
      'listning-och-ersattning',
      'prosang',
      'radgivningsstod-1177',
      'ris',
      't4',
    ]);
    const epj = units.find((u) => u.id === 'epj')!;
    expect(epj.contacts[0]).toMatchObject({ email: 'epj-easit@regionuppsala.example', channel: 'easit' });
    // The unquoted 1177 in the YAML is a number; it must be stored as the id "1177".
    expect(units.find((u) => u.id === 'kommunikation')!.services).toContain('1177');
  });

  it('lists an address kept by two units once, with both reasons', () => {
    importSample();
    const all = allContacts(db);
    expect(all).toHaveLength(19);
    const vss = all.filter((c) => c.email === 'vss-resurscentrum@regionuppsala.example');
    expect(vss).toHaveLength(1);
    expect(vss[0]!.reasons).toEqual([
      { unitId: 'privata-specialister', unit: 'Privata specialister', role: 'VSS Resurscentrum' },
      { unitId: 'privata-vardgivare', unit: 'Privata vårdgivare', role: 'VSS Resurscentrum' },
    ]);
    expect(vss[0]!.services).toContain('1177-listning');
    expect(all.find((c) => c.email.startsWith('itc') || c.email.startsWith('ol-it'))!.services).toBe('all');
    expect(contactsByEmail(db, 'VSS-Resurscentrum@RegionUppsala.example')).toHaveLength(2);
  });

  it('finds the contacts concerned by a service', () => {
    importSample();
    const units = contactsForServices(db, ['1177-journal']).map((c) => c.unitId);
    expect(units).toContain('barnskyddsteamet');
    for (const all of ['nara-vard-och-halsa', 'akademiska', 'lasarettet-enkoping', 'itc']) expect(units).toContain(all);
    expect(units).not.toContain('patientnamnden');
    expect(units).not.toContain('kst');
    expect(
      contactsForServices(db, ['svevac', 'pascal'])
        .map((c) => c.unitId)
        .sort(),
    ).toEqual(['akademiska', 'epj', 'itc', 'lasarettet-enkoping', 'nara-vard-och-halsa', 'smittskyddsenheten']);
    expect(contactsForServices(db, [])).toEqual(contactsForServices(db, ['no-such-service']));
  });

  it('reports no changes when the same file is imported again', () => {
    importSample();
    const before = snapshot();
    const report = importSample();
    expect(formatImportReport(report)).toEqual(['no changes']);
    expect(snapshot()).toEqual(before);
  });
});

describe('re-import', () => {
  it('adds, updates and removes exactly what changed, in place', () => {
    importSample();
    const idsBefore = db.prepare('SELECT id, unit_id AS unitId FROM contacts').all() as { id: number; unitId: string }[];
    const doc = parse(readFileSync(SAMPLE, 'utf8')) as Record<string, Record<string, unknown>[]>;
    const admins = doc.administrations!;
    const unit = (id: string) => admins.find((u) => u.id === id) ?? doc.objects!.find((u) => u.id === id)!;
    doc.administrations = admins.filter((u) => u.id !== 'cesa');
    unit('itc').name = 'IT-centrum';
    unit('patientnamnden').services = ['1177-e-tjanster', '1177-inkorg', '1177-journal'];
    (unit('akademiska').contacts as Record<string, unknown>[])[0]!.role = 'E-tjänstesamordnare';
    (unit('ris').contacts as Record<string, unknown>[]).push({ role: 'Systemförvaltare', email: 'ris-forvaltning@regionuppsala.example' });
    unit('privata-specialister').contacts = [{ role: 'Handläggare', email: 'specialister@regionuppsala.example' }];
    doc.objects!.push({
      id: 'nll-objekt',
      name: 'NLL',
      contacts: [{ role: 'Objektledare', email: 'nll@regionuppsala.example' }],
      services: ['nll'],
    });

    const report = importDirectory(db, readDirectoryFile(writeYaml('edited.yaml', stringify(doc)), catalogue));
    expect(report).toMatchObject({
      unitsAdded: ['nll-objekt'],
      unitsUpdated: ['itc', 'patientnamnden'],
      unitsRemoved: ['cesa'],
      contactsAdded: [
        'privata-specialister/specialister@regionuppsala.example',
        'ris/ris-forvaltning@regionuppsala.example',
        'nll-objekt/nll@regionuppsala.example',
      ],
      contactsUpdated: ['akademiska/etjanstesamordnare@akademiska.regionuppsala.example'],
      contactsRemoved: ['privata-specialister/vss-resurscentrum@regionuppsala.example', 'cesa/cesa@regionuppsala.example'],
    });
    expect(report.changedFields).toMatchObject({ itc: ['name'], patientnamnden: ['services'] });
    const lines = formatImportReport(report);
    expect(lines).toContain('- unit cesa (CESÅ)');
    expect(lines).toContain('~ unit itc (IT-centrum) (name)');
    expect(lines).toContain('~ contact akademiska/etjanstesamordnare@akademiska.regionuppsala.example (role)');

    // Updated in place: the unchanged and edited contacts keep their row ids.
    const akademiska = idsBefore.find((c) => c.unitId === 'akademiska')!;
    expect(db.prepare('SELECT role FROM contacts WHERE id = ?').get(akademiska.id)).toEqual({ role: 'E-tjänstesamordnare' });
    expect(listUnits(db)).toHaveLength(20);
    expect(allContacts(db).find((c) => c.email === 'vss-resurscentrum@regionuppsala.example')!.reasons).toHaveLength(1);
    expect(contactsForServices(db, ['1177-journal']).map((c) => c.unitId)).toContain('patientnamnden');
  });
});

describe('a malformed directory file', () => {
  const BAD = `region: Region Uppsala
timezone: Europe/Stockholm
administrations:
  - id: akademiska
    name: Akademiska sjukhuset
    contacts: [{ role: Samordnare, email: not-an-address }]
    services: all
  - id: itc
    name: ITC
    contacts: [{ role: OL-IT, email: ol-it@itc.regionuppsala.example, phone: "018-611 00 00" }]
    services: [1177-journal, npo, 1177-jornal]
  - id: akademiska
    name: 42
    contacts: []
    services: all
objects:
  - id: epj
    name: EPJ
    contacts: [{ role: EPJ via Easit, email: epj@regionuppsala.example, channel: fax }]
    services: some
`;

  it('is rejected with every problem and its path, and the database is untouched', () => {
    importSample();
    const before = snapshot();
    const path = writeYaml('bad.yaml', BAD);
    const err = configErrorOf(() => importDirectory(db, readDirectoryFile(path, catalogue)));
    expect(err.message.startsWith(`${path}: `)).toBe(true);
    expect(err.message).not.toContain('\n');
    for (const expected of [
      'administrations.0 (akademiska).contacts.0.email: "not-an-address" is not an e-mail address',
      'administrations.1 (itc).contacts.0.phone: unknown key',
      'administrations.1 (itc).services.2: unknown service "1177-jornal"',
      'administrations.2 (akademiska).name: Invalid input: expected string, received number',
      'administrations.2 (akademiska).id: duplicate id "akademiska"',
      'objects.0 (epj).contacts.0.channel: ',
      'objects.0 (epj).services: expected "all" or a list of service ids',
    ]) {
      expect(err.message).toContain(expected);
    }
    expect(snapshot()).toEqual(before);
  });

  it('reports YAML syntax errors with their line', () => {
    const path = writeYaml('syntax.yaml', 'region: Region Uppsala\nadministrations: [{ id: a, name: A\ntimezone: Europe/Stockholm\n');
    const err = configErrorOf(() => readDirectoryFile(path, catalogue));
    expect(err.message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid YAML: line \\d+, column \\d+: `));
    expect(err.cause).toBeDefined();
  });

  it('reports missing fields and a misspelt top-level key', () => {
    const path = writeYaml('missing.yaml', 'region: X\ntimezone: Mars/Olympus\nadministration: []\n');
    const err = configErrorOf(() => readDirectoryFile(path, catalogue));
    expect(err.message).toContain('timezone: not an IANA time zone');
    expect(err.message).toContain('administrations: missing (expected array)');
    expect(err.message).toContain('administration: unknown key');
  });

  it('names an unreadable file', () => {
    const err = configErrorOf(() => readDirectoryFile(join(dir, 'nope.yaml'), catalogue));
    expect(err.message).toContain('nope.yaml: cannot read');
    expect(err.cause).toBeDefined();
  });
});

describe('all or nothing', () => {
  it('rolls back every change when one write fails', () => {
    importSample();
    const before = snapshot();
    const directory = readDirectoryFile(SAMPLE, catalogue);
    // Bypass the schema: the same address twice in one unit breaks UNIQUE (unit_id, email)
    // after earlier units were already written within the transaction.
    const broken: Directory = {
      ...directory,
      administrations: directory.administrations.map((u) => ({ ...u, name: `${u.name} (ny)` })),
      objects: [
        ...directory.objects,
        {
          id: 'dubbel',
          name: 'Dubbel',
          services: 'all',
          contacts: [
            { role: 'A', email: 'a@x.example' },
            { role: 'B', email: 'A@x.example' },
          ],
        },
      ],
    };
    expect(() => importDirectory(db, broken)).toThrow(/left unchanged/);
    expect(snapshot()).toEqual(before);
  });
});
