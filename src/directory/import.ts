/**
 * Reads a directory file and brings the units and contacts tables in line with it:
 * read → parse YAML → validate → diff against the stored directory → apply, all or nothing.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { formatIssues, yamlCause, yamlProblems } from '../config/load.js';
import { ConfigError, DriftkollError, UsageError } from '../domain/errors.js';
import type { Db } from '../store/db.js';
import {
  deleteContact,
  deleteUnit,
  insertContact,
  listUnits,
  updateContact,
  upsertUnit,
  type UnitRow,
  type UnitWithContacts,
} from '../store/directory.repo.js';
import { directorySchema, type Directory, type ServiceLookup } from './schema.js';

/** What an import changed. Units by id, contacts as `unit/email`. */
export interface ImportReport {
  unitsAdded: string[];
  unitsUpdated: string[];
  unitsRemoved: string[];
  contactsAdded: string[];
  contactsUpdated: string[];
  contactsRemoved: string[];
  /** Display names of the units above (for removed units, the name they had). */
  unitNames: Record<string, string>;
  /** For updated units and contacts: which fields changed, keyed by identifier. */
  changedFields: Record<string, string[]>;
}

/**
 * Reads and validates a directory file. Throws one ConfigError that names the file and lists
 * every problem with its path ("objects.2.services.1: unknown service …") or YAML line.
 */
export function readDirectoryFile(path: string, catalogue: ServiceLookup): Directory {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`${path}: cannot read the directory file`, { cause, hint: 'check the path' });
  }
  return parseDirectoryText(text, path, catalogue);
}

/**
 * Validates directory YAML given as text (an upload, say); `label` names it in errors. Throws
 * the same ConfigError as readDirectoryFile, listing every problem with its path or line.
 */
export function parseDirectoryText(text: string, label: string, catalogue: ServiceLookup): Directory {
  const path = label;
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(`${path}: not valid YAML: ${yamlProblems(doc.errors)}`, { cause: yamlCause(doc.errors) });
  }
  let raw: unknown;
  try {
    raw = doc.toJS() ?? {};
  } catch (cause) {
    // Alias bombs and similar are only detected while building the value.
    throw new ConfigError(`${path}: not valid YAML: ${(cause as Error).message}`, { cause });
  }
  const parsed = directorySchema(catalogue).safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`${path}: ${formatIssues(parsed.error.issues.flatMap(plainIssue).map((i) => withUnitId(raw, i)))}`, {
      hint: 'see defaults/region-uppsala.yaml for the format',
    });
  }
  return parsed.data;
}

/** Operator wording: each unknown key at its own path, and "missing" for absent fields. */
function plainIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return [{ ...issue, message: `missing (expected ${issue.expected})` }];
  }
  if (issue.code !== 'unrecognized_keys') return [issue];
  return issue.keys.map((key) => ({ code: 'custom', path: [...issue.path, key], message: 'unknown key', input: undefined }));
}

/**
 * Names the unit in a path by its id as well as its index ("administrations.3 (akademiska).contacts.0.email"),
 * so an operator finds it in a long file without counting entries.
 */
function withUnitId(raw: unknown, issue: z.core.$ZodIssue): z.core.$ZodIssue {
  const [list, index, ...rest] = issue.path;
  if ((list !== 'administrations' && list !== 'objects') || typeof index !== 'number') return issue;
  const units = (raw as Record<string, unknown> | null)?.[list];
  const unit = Array.isArray(units) ? (units[index] as unknown) : undefined;
  const id = typeof unit === 'object' && unit !== null ? (unit as { id?: unknown }).id : undefined;
  if (typeof id !== 'string' && typeof id !== 'number') return issue;
  return { ...issue, path: [list, `${index} (${String(id)})`, ...rest] };
}

/** How an import runs: `dryRun` reports what would change and changes nothing; `refuseEmpty` guards the directory. */
export interface ImportOptions {
  dryRun?: boolean;
  /** Refuse a file that would remove every stored administration (a truncated or wrong file, most likely). */
  refuseEmpty?: boolean;
}

/** Thrown inside the transaction to roll a dry run back. */
const DRY_RUN = Symbol('dry run');

interface WantedContact {
  email: string;
  role: string;
  name: string | null;
  channel: string;
}

/**
 * Makes the stored directory match `directory` in one transaction: units and contacts are
 * updated in place, new ones added, ones no longer listed removed (contacts of a removed
 * unit are reported as removed too). Nothing is changed if any step fails.
 */
export function importDirectory(db: Db, directory: Directory, options: ImportOptions = {}): ImportReport {
  const report: ImportReport = {
    unitsAdded: [],
    unitsUpdated: [],
    unitsRemoved: [],
    contactsAdded: [],
    contactsUpdated: [],
    contactsRemoved: [],
    unitNames: {},
    changedFields: {},
  };
  const wanted = [
    ...directory.administrations.map((u) => ({ ...u, type: 'administration' as const })),
    ...directory.objects.map((u) => ({ ...u, type: 'object' as const })),
  ];
  const apply = db.transaction(() => {
    const existing = new Map(listUnits(db).map((u) => [u.id, u]));
    const storedAdmins = [...existing.values()].filter((u) => u.type === 'administration').length;
    if (options.refuseEmpty && directory.administrations.length === 0 && storedAdmins > 0) {
      throw new UsageError(`the file lists no administrations: importing it would remove all ${storedAdmins} stored; nothing was changed`, {
        hint: 'check the file, or pass --allow-empty if the directory really should have none',
      });
    }
    for (const w of wanted) {
      const unit: UnitRow = { id: w.id, name: w.name, type: w.type, services: w.services };
      const old = existing.get(w.id);
      existing.delete(w.id);
      report.unitNames[w.id] = w.name;
      if (!old) report.unitsAdded.push(w.id);
      else {
        const fields = unitChanges(old, unit);
        if (fields.length > 0) {
          report.unitsUpdated.push(w.id);
          report.changedFields[w.id] = fields;
        }
      }
      upsertUnit(db, unit);
      const contacts = w.contacts.map((c): WantedContact => ({
        email: c.email,
        role: c.role,
        name: c.name ?? null,
        channel: c.channel ?? 'email',
      }));
      syncContacts(db, w.id, old?.contacts ?? [], contacts, report);
    }
    for (const gone of existing.values()) {
      report.unitNames[gone.id] = gone.name;
      report.unitsRemoved.push(gone.id);
      for (const c of gone.contacts) report.contactsRemoved.push(`${gone.id}/${c.email}`);
      deleteUnit(db, gone.id);
    }
    if (options.dryRun) throw DRY_RUN;
  });
  try {
    apply.immediate();
  } catch (cause) {
    if (cause === DRY_RUN) return report;
    if (cause instanceof UsageError) throw cause;
    throw new DriftkollError('directory import failed; the stored directory was left unchanged', { cause });
  }
  return report;
}

function unitChanges(old: UnitRow, next: UnitRow): string[] {
  const fields: string[] = [];
  if (old.name !== next.name) fields.push('name');
  if (old.type !== next.type) fields.push('type');
  if (JSON.stringify(old.services) !== JSON.stringify(next.services)) fields.push('services');
  return fields;
}

/** Adds, updates and removes one unit's contacts; addresses match case-insensitively. */
function syncContacts(db: Db, unitId: string, old: UnitWithContacts['contacts'], wanted: WantedContact[], report: ImportReport): void {
  const byEmail = new Map(old.map((c) => [c.email.toLowerCase(), c]));
  for (const w of wanted) {
    const label = `${unitId}/${w.email}`;
    const prev = byEmail.get(w.email.toLowerCase());
    byEmail.delete(w.email.toLowerCase());
    if (!prev) {
      insertContact(db, { unitId, ...w });
      report.contactsAdded.push(label);
      continue;
    }
    const fields = (['email', 'role', 'name', 'channel'] as const).filter((f) => prev[f] !== w[f]);
    if (fields.length === 0) continue;
    updateContact(db, prev.id, w);
    report.contactsUpdated.push(label);
    report.changedFields[label] = fields;
  }
  for (const gone of byEmail.values()) {
    deleteContact(db, gone.id);
    report.contactsRemoved.push(`${unitId}/${gone.email}`);
  }
}

/** What importDirectory would change, without changing anything (the import runs and is rolled back). */
export function previewDirectoryImport(db: Db, directory: Directory): ImportReport {
  const rollback = new Error('preview only');
  let report: ImportReport | undefined;
  try {
    db.transaction(() => {
      report = importDirectory(db, directory);
      throw rollback;
    })();
  } catch (err) {
    if (err !== rollback) throw err;
  }
  return report!;
}

/** The report as CLI lines: `+ unit …`, `~ contact … (role)`, `- contact …`, or `no changes`. */
export function formatImportReport(report: ImportReport): string[] {
  const unit = (id: string) => {
    const name = report.unitNames[id];
    return name ? `${id} (${name})` : id;
  };
  const fields = (key: string) => {
    const f = report.changedFields[key];
    return f?.length ? ` (${f.join(', ')})` : '';
  };
  const lines = [
    ...report.unitsAdded.map((id) => `+ unit ${unit(id)}`),
    ...report.unitsUpdated.map((id) => `~ unit ${unit(id)}${fields(id)}`),
    ...report.unitsRemoved.map((id) => `- unit ${unit(id)}`),
    ...report.contactsAdded.map((c) => `+ contact ${c}`),
    ...report.contactsUpdated.map((c) => `~ contact ${c}${fields(c)}`),
    ...report.contactsRemoved.map((c) => `- contact ${c}`),
  ];
  return lines.length > 0 ? lines : ['no changes'];
}
