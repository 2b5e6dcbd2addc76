import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/domain/errors.js';
import { Catalogue, foldName, readCatalogueYaml, slugify } from '../../src/domain/services.js';
import { packagePath } from '../../src/util/paths.js';

const catalogue = Catalogue.load();

describe('Catalogue.load', () => {
  it('reads the JSON the build wrote, which holds exactly what defaults/services.yaml says', () => {
    const json = JSON.parse(readFileSync(packagePath('dist', 'defaults', 'services.json'), 'utf8')) as { services: unknown[] };
    expect(json.services).toEqual(readCatalogueYaml(packagePath('defaults', 'services.yaml')));
    expect(catalogue.services).toEqual(json.services);
  });

  it('reads defaults/services.yaml when no path is given', () => {
    expect(catalogue.services.length).toBeGreaterThan(20);
    expect(catalogue.byId('npo')).toEqual({
      id: 'npo',
      name: 'Nationell patientöversikt',
      provider: 'inera',
      aliases: ['NPÖ', 'Nationell patientöversikt (NPÖ)'],
    });
    expect(catalogue.byId('1177')?.name).toBe('1177');
  });

  it('reads a given file and turns numeric ids into strings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftkoll-services-'));
    const file = join(dir, 'services.yaml');
    writeFileSync(file, 'services:\n  - { id: 1177, name: "1177", provider: inera }\n');
    const c = Catalogue.load(file);
    expect(c.services).toEqual([{ id: '1177', name: '1177', provider: 'inera', aliases: [] }]);
    expect(c.match('1177')).toBe('1177');
  });

  it('fails with a ConfigError for a missing or malformed file', () => {
    expect(() => Catalogue.load('/nonexistent/services.yaml')).toThrow(ConfigError);
    const dir = mkdtempSync(join(tmpdir(), 'driftkoll-services-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'tjänster: []\n');
    expect(() => Catalogue.load(file)).toThrow(/no "services" list/);
  });
});

describe('match', () => {
  it.each([
    ['1177 journal', '1177-journal'],
    ['Journalen', '1177-journal'],
    ['1177 Vårdguiden', '1177'],
    ['Webbtidbok', '1177-tidbokning'],
    ['1177 Inkorg', '1177-inkorg'],
    ['HSA', 'hsa'],
    ['Identifieringstjänst SITHS', 'siths'],
    ['E-recept', 'e-recept'],
  ])('%s → %s', (name, id) => expect(catalogue.match(name)).toBe(id));

  it('folds case, whitespace and the three dashes', () => {
    expect(catalogue.match('  1177   JOURNAL ')).toBe('1177-journal');
    expect(catalogue.match('1177\u00a0journal')).toBe('1177-journal');
    expect(catalogue.match('siths kort')).toBe('siths');
    expect(catalogue.match('SITHS–kort')).toBe('siths');
    expect(catalogue.match('Säkerhetstjänster — Autentisering')).toBe('sakerhetstjanster');
    expect(catalogue.match('PU tjänsten')).toBe('personuppgiftstjansten');
    expect(catalogue.match('idp')).toBe('sakerhetstjanster');
    expect(catalogue.match('IDP')).toBe('sakerhetstjanster');
    expect(catalogue.match('NPÖ.')).toBe('npo');
  });

  it('matches a name with a trailing abbreviation by either part', () => {
    expect(catalogue.match('Nationell patientöversikt (NPÖ)')).toBe('npo');
    expect(catalogue.match('nationell patientöversikt')).toBe('npo');
    expect(catalogue.match('npö')).toBe('npo');
    expect(catalogue.match('Intygstjänster (Webcert)')).toBe('intygstjanster');
    expect(catalogue.match('webcert')).toBe('intygstjanster');
    expect(catalogue.match('Nationella tjänsteplattformen (NTjP)')).toBe('ntjp');
    expect(catalogue.match('ntjp')).toBe('ntjp');
    // Parentheses the catalogue has never seen: either part may name the service.
    expect(catalogue.match('1177 tidbokning (Webbtidbok)')).toBe('1177-tidbokning');
    expect(catalogue.match('Nytt namn (SDK)')).toBe('sdk');
  });

  it('returns undefined for unknown and empty names', () => {
    expect(catalogue.match('Nya Remisstjänsten')).toBeUndefined();
    expect(catalogue.match('  ')).toBeUndefined();
    expect(catalogue.match('1177 journal extra')).toBeUndefined();
  });
});

describe('resolve, slugs and names', () => {
  it('keeps unknown names as unknown:<slug> and lists them', () => {
    const r = catalogue.resolve(['NPÖ', 'Nya Remisstjänsten', 'Ärendehantering för Öppenvård!', 'npö', '', 'Nya  Remisstjänsten']);
    expect(r.ids).toEqual(['npo', 'unknown:nya-remisstjansten', 'unknown:arendehantering-for-oppenvard']);
    expect(r.unknown).toEqual(['Nya Remisstjänsten', 'Ärendehantering för Öppenvård!']);
  });

  it('slugifies: lower-case, å/ä→a, ö→o, other runs → -', () => {
    expect(slugify('Läkemedels-Ö-tjänsten (LÖT)')).toBe('lakemedels-o-tjansten-lot');
    expect(slugify('  Åtgärd på Ärende  ')).toBe('atgard-pa-arende');
    expect(slugify('Café 24/7')).toBe('cafe-24-7');
  });

  it('folds names for comparison', () => {
    expect(foldName(' Säkerhetstjänster - lokal  IdP ')).toBe('säkerhetstjänster lokal idp');
  });

  it('gives display names, de-slugging unknown ids', () => {
    expect(catalogue.nameOf('npo')).toBe('Nationell patientöversikt');
    expect(catalogue.nameOf('1177-tidbokning')).toBe('1177 tidbokning');
    expect(catalogue.nameOf('unknown:nya-remisstjansten')).toBe('Nya remisstjansten');
    expect(catalogue.nameOf('gone')).toBe('gone');
  });
});

describe('findInText', () => {
  it('prefers the longest name and never overlaps', () => {
    expect(catalogue.findInText('Störning i 1177 journal')).toEqual(['1177-journal']);
    expect(catalogue.findInText('Nytt inloggningsflöde i 1177 Vårdguidens e-tjänster')).toEqual(['1177-e-tjanster']);
    expect(catalogue.findInText('1177 fungerar men 1177 journal är nere')).toEqual(['1177', '1177-journal']);
    expect(catalogue.findInText('Nationella tjänsteplattformen (NTjP) och Tjänsteplattformen')).toEqual(['ntjp']);
  });

  it('finds names and aliases as whole words, case-insensitively, in order', () => {
    expect(catalogue.findInText('Svårt att logga in med SITHS eID')).toEqual(['siths']);
    expect(catalogue.findInText('Fel i NPÖ och webcert')).toEqual(['npo', 'intygstjanster']);
    expect(catalogue.findInText('Servicefönster Förskrivningskollen')).toEqual(['forskrivningskollen']);
    expect(catalogue.findInText('e-recept kan inte hämtas')).toEqual(['e-recept']);
    expect(catalogue.findInText('Störning: Nationella läkemedelslistan svarar långsamt')).toEqual(['nll']);
    expect(catalogue.findInText('Problem med säkerhetstjänster – autentisering')).toEqual(['sakerhetstjanster']);
  });

  it('does not match inside longer words', () => {
    expect(catalogue.findInText('Sjunetnätet och Pascaldosering')).toEqual([]);
    expect(catalogue.findInText('journal 11770')).toEqual([]);
  });

  it('matches very short acronyms only with their exact case', () => {
    expect(catalogue.findInText('Störning i PU')).toEqual(['personuppgiftstjansten']);
    expect(catalogue.findInText('SDK och IdP påverkas')).toEqual(['sdk', 'sakerhetstjanster']);
    expect(catalogue.findInText('Logga in med IDP')).toEqual(['sakerhetstjanster']);
    expect(catalogue.findInText('pu, sdk, idp, hsa, sob och npö i gemener')).toEqual([]);
    expect(catalogue.findInText('Katalogtjänst HSA')).toEqual(['hsa']);
  });
});
