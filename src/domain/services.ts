/**
 * The service catalogue (defaults/services.yaml) and the name matching that turns the
 * many spellings on status pages ("Webbtidbok", "NPÖ", "1177 Vårdguiden") into stable ids.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { packagePath } from '../util/paths.js';
import { ConfigError } from './errors.js';

export interface Service {
  id: string;
  name: string;
  provider: string;
  aliases: string[];
}

/** Aliases this short are acronyms ("PU", "SDK", "IdP"): in free text they must match case exactly. */
const SHORT_ALIAS = 3;

/** Separators that spellings disagree on: whitespace and the three dashes. */
const SEPARATORS = /[\s\-\u2010-\u2015]+/gu;

/** A trailing parenthesised abbreviation: "Nationell patientöversikt (NPÖ)". */
const TRAILING_PAREN = /^(.*?)\s*\(([^()]+)\)\s*$/u;

/** Folds a name for comparison: case, whitespace runs and dashes; edge punctuation dropped. */
export function foldName(name: string): string {
  return name
    .normalize('NFC')
    .toLocaleLowerCase('sv')
    .replace(SEPARATORS, ' ')
    .replace(/^[\s.,;:!?"'»«]+|[\s.,;:!?"'»«]+$/gu, '')
    .trim();
}

/** `unknown:` slug of a name: lower-case, å/ä→a, ö→o (any accent dropped), other runs → '-'. */
export function slugify(name: string): string {
  return name
    .toLocaleLowerCase('sv')
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The spellings one catalogue string stands for: itself plus, for "Name (ABBR)", both parts. */
function spellings(text: string): string[] {
  const out = [text];
  const m = TRAILING_PAREN.exec(text);
  if (m?.[1] && m[2]) out.push(m[1], m[2]);
  return out;
}

interface TextPattern {
  id: string;
  re: RegExp;
  /** The spelling's longest word, lower-cased: text without it cannot match, so the regex is skipped. */
  needle: string;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A whole-word pattern for one spelling; separators between words may be any space or dash. */
function textPattern(spelling: string): RegExp {
  const words = spelling.trim().split(SEPARATORS).filter(Boolean).map(escapeRe);
  // \b does not know å/ä/ö, so word edges are spelled out with Unicode classes.
  const body = `(?<![\\p{L}\\p{N}])${words.join('[\\s\\-\\u2010-\\u2015]+')}(?![\\p{L}\\p{N}])`;
  const exactCase = spelling.replace(SEPARATORS, '').length <= SHORT_ALIAS;
  return new RegExp(body, exactCase ? 'gu' : 'giu');
}

/** The longest word of a spelling, lower-cased (the regex matches case-insensitively or exactly, so this is a necessary condition). */
function needleOf(spelling: string): string {
  const words = spelling.trim().split(SEPARATORS).filter(Boolean);
  return words.reduce((a, b) => (b.length > a.length ? b : a), '').toLowerCase();
}

/** The catalogue of national services, with lookups by id, by name and in free text. */
export class Catalogue {
  readonly services: readonly Service[];
  private readonly ids = new Map<string, Service>();
  private lookups: { names: Map<string, string>; patterns: TextPattern[] } | undefined;

  constructor(services: Service[]) {
    this.services = services;
    for (const s of services) this.ids.set(s.id, s);
  }

  /** Names and text patterns, built on first use: a command that matches no names never compiles them. */
  private get index(): { names: Map<string, string>; patterns: TextPattern[] } {
    if (this.lookups) return this.lookups;
    const names = new Map<string, string>();
    const patterns: TextPattern[] = [];
    for (const s of this.services) {
      for (const text of [s.name, ...s.aliases]) {
        for (const spelling of spellings(text)) {
          const key = foldName(spelling);
          if (!key) continue;
          // The first service to claim a spelling keeps it, so an alias never steals a name.
          if (!names.has(key)) names.set(key, s.id);
          patterns.push({ id: s.id, re: textPattern(spelling), needle: needleOf(spelling) });
        }
      }
    }
    this.lookups = { names, patterns };
    return this.lookups;
  }

  /**
   * The catalogue: from a YAML file when a path is given, else the package's catalogue as
   * compiled to JSON at build time (no YAML parser loaded), or its YAML when the JSON is
   * missing or older than the YAML (an edit not yet built).
   */
  static load(path?: string): Catalogue {
    if (path) return new Catalogue(readCatalogueYaml(path));
    const yaml = packagePath('defaults', 'services.yaml');
    const json = packagePath('dist', 'defaults', 'services.json');
    const built = mtime(json);
    if (built !== undefined && built >= (mtime(yaml) ?? 0)) {
      return new Catalogue((JSON.parse(readFileSync(json, 'utf8')) as { services: Service[] }).services);
    }
    return new Catalogue(readCatalogueYaml(yaml));
  }

  /** The service with this id, or undefined. */
  byId(id: string): Service | undefined {
    return this.ids.get(id);
  }

  /** Display name for an id; for `unknown:<slug>` ids the slug de-slugged and capitalised ("Rehabstod webb"). */
  nameOf(id: string): string {
    const s = this.ids.get(id);
    if (s) return s.name;
    if (!id.startsWith('unknown:')) return id;
    const words = id.slice('unknown:'.length).replace(/-+/g, ' ').trim();
    return words.charAt(0).toLocaleUpperCase('sv') + words.slice(1);
  }

  /** The id for one service name, or undefined. */
  match(name: string): string | undefined {
    const key = foldName(name);
    if (!key) return undefined;
    const direct = this.index.names.get(key);
    if (direct) return direct;
    // "1177 tidbokning (Webbtidbok)": try the name, then what the parentheses hold.
    const m = TRAILING_PAREN.exec(name);
    if (m?.[1] && m[2]) return this.match(m[1]) ?? this.match(m[2]);
    return undefined;
  }

  /** Maps names to ids; unknown names become `unknown:<slug>` ids and are listed in `unknown`. */
  resolve(names: string[]): { ids: string[]; unknown: string[] } {
    const ids: string[] = [];
    const unknown: string[] = [];
    for (const raw of names) {
      const name = raw.replace(/\s+/g, ' ').trim();
      if (!name) continue;
      let id = this.match(name);
      if (!id) {
        const slug = slugify(name);
        if (!slug) continue;
        id = `unknown:${slug}`;
        if (!unknown.includes(name)) unknown.push(name);
      }
      if (!ids.includes(id)) ids.push(id);
    }
    return { ids, unknown };
  }

  /**
   * Catalogue services named anywhere in free text, in order of appearance. Whole words
   * only; the longest spelling wins and matches never overlap, so "1177 journal" is not
   * also "1177". Acronyms of up to three letters must match case exactly.
   */
  findInText(text: string): string[] {
    const hits: { id: string; start: number; end: number }[] = [];
    // Over a hundred Unicode regexes per text made this most of a feed poll's CPU; a
    // substring test first skips nearly all of them.
    const lower = text.toLowerCase();
    for (const p of this.index.patterns) {
      if (!lower.includes(p.needle)) continue;
      p.re.lastIndex = 0;
      for (const m of text.matchAll(p.re)) hits.push({ id: p.id, start: m.index, end: m.index + m[0].length });
    }
    hits.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
    const taken: typeof hits = [];
    for (const h of hits) {
      if (taken.every((t) => h.end <= t.start || h.start >= t.end)) taken.push(h);
    }
    taken.sort((a, b) => a.start - b.start);
    return [...new Set(taken.map((t) => t.id))];
  }
}

function mtime(path: string): number | undefined {
  return statSync(path, { throwIfNoEntry: false })?.mtimeMs;
}

/** Reads and checks a catalogue YAML; the build writes the same list as JSON (scripts/build-assets.mjs). */
export function readCatalogueYaml(file: string): Service[] {
  // The YAML parser is loaded only here: a normal start reads the JSON the build wrote.
  const { parse: parseYaml } = createRequire(import.meta.url)('yaml') as typeof Yaml;
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new ConfigError(`cannot read service catalogue ${file}`, { cause, hint: 'check the path and the YAML syntax' });
  }
  const list = (doc as { services?: unknown } | null)?.services;
  if (!Array.isArray(list)) {
    throw new ConfigError(`service catalogue ${file} has no "services" list`, { hint: 'see defaults/services.yaml' });
  }
  return list.map((raw, i): Service => {
    const r = (raw ?? {}) as Record<string, unknown>;
    // YAML reads an unquoted `id: 1177` as a number; ids are strings everywhere else.
    if (r.id === undefined || r.id === null || typeof r.name !== 'string') {
      throw new ConfigError(`service #${i + 1} in ${file} needs an id and a name`);
    }
    const aliases = Array.isArray(r.aliases) ? r.aliases.map(String) : [];
    return { id: String(r.id), name: r.name, provider: String(r.provider ?? ''), aliases };
  });
}
