/** SQL for the regional directory: the units table and the contacts that belong to each unit. */
import type { ServiceSelection } from '../domain/types.js';
import type { Db } from './db.js';

export type UnitType = 'administration' | 'object';

export interface UnitRow {
  id: string;
  name: string;
  type: UnitType;
  services: ServiceSelection;
}

export interface ContactRow {
  id: number;
  unitId: string;
  email: string;
  role: string;
  name: string | null;
  /** 'email' or 'easit' (an Easit ticket system mail-in address). */
  channel: string;
}

export interface UnitWithContacts extends UnitRow {
  contacts: ContactRow[];
}

/** A contact together with the unit that lists it: who to mail, and why. */
export interface UnitContact {
  email: string;
  role: string;
  name: string | null;
  channel: string;
  unitId: string;
  unit: string;
  unitType: UnitType;
  unitServices: ServiceSelection;
}

/** One address with every unit that lists it; services is the union over those units. */
export interface DirectoryRecipient {
  email: string;
  reasons: { unitId: string; unit: string; role: string }[];
  services: ServiceSelection;
  /** 'easit' when any unit lists the address as an Easit inbox, else 'email'. */
  channel: string;
}

// 'all' is stored as the bare string, which is not JSON: json_each must never see it.
const SERVICES_JSON = `CASE WHEN u.services = 'all' THEN '[]' ELSE u.services END`;

const CONTACT_SELECT = `SELECT c.email, c.role, c.name, c.channel, u.id AS unitId, u.name AS unit, u.type AS unitType,
  u.services AS unitServices FROM contacts c JOIN units u ON u.id = c.unit_id`;

function encodeServices(s: ServiceSelection): string {
  return s === 'all' ? 'all' : JSON.stringify(s);
}

function decodeServices(text: string): ServiceSelection {
  return text === 'all' ? 'all' : (JSON.parse(text) as string[]);
}

function unitContact(row: Record<string, unknown>): UnitContact {
  return { ...(row as unknown as UnitContact), unitServices: decodeServices(row.unitServices as string) };
}

/** Every unit, ordered by id, each with its contacts ordered by email. */
export function listUnits(db: Db): UnitWithContacts[] {
  const units = db.prepare('SELECT id, name, type, services FROM units ORDER BY id').all() as Record<string, unknown>[];
  const contacts = db
    .prepare('SELECT id, unit_id AS unitId, email, role, name, channel FROM contacts ORDER BY unit_id, email, id')
    .all() as ContactRow[];
  const byUnit = new Map<string, ContactRow[]>();
  for (const c of contacts) byUnit.set(c.unitId, [...(byUnit.get(c.unitId) ?? []), c]);
  return units.map((u) => ({
    ...(u as unknown as UnitRow),
    services: decodeServices(u.services as string),
    contacts: byUnit.get(u.id as string) ?? [],
  }));
}

/** True when the directory has a unit (administration or object) with this id. */
export function hasUnit(db: Db, id: string): boolean {
  return db.prepare('SELECT 1 FROM units WHERE id = ?').get(id) !== undefined;
}

/** Inserts the unit, or updates its name, type and services in place (contacts are kept). */
export function upsertUnit(db: Db, unit: UnitRow): void {
  db.prepare(
    `INSERT INTO units (id, name, type, services) VALUES (@id, @name, @type, @services)
     ON CONFLICT(id) DO UPDATE SET name = excluded.name, type = excluded.type, services = excluded.services`,
  ).run({ ...unit, services: encodeServices(unit.services) });
}

/** Deletes a unit; its contacts go with it (ON DELETE CASCADE). False when there was none. */
export function deleteUnit(db: Db, id: string): boolean {
  return db.prepare('DELETE FROM units WHERE id = ?').run(id).changes > 0;
}

/** Adds a contact to a unit; returns its row id. */
export function insertContact(db: Db, c: Omit<ContactRow, 'id'>): number {
  const info = db
    .prepare('INSERT INTO contacts (unit_id, email, role, name, channel) VALUES (@unitId, @email, @role, @name, @channel)')
    .run(c);
  return Number(info.lastInsertRowid);
}

/** Rewrites a contact's fields in place (the spelling of its address included). */
export function updateContact(db: Db, id: number, c: Pick<ContactRow, 'email' | 'role' | 'name' | 'channel'>): boolean {
  return (
    db.prepare('UPDATE contacts SET email = @email, role = @role, name = @name, channel = @channel WHERE id = @id').run({ ...c, id })
      .changes > 0
  );
}

/** Removes one contact by row id. */
export function deleteContact(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM contacts WHERE id = ?').run(id).changes > 0;
}

/**
 * Contacts of every unit that follows any of `serviceIds` or follows 'all', one entry per
 * (unit, address): an address listed for two units appears twice, once per reason.
 */
export function contactsForServices(db: Db, serviceIds: string[]): UnitContact[] {
  const rows = db
    .prepare(
      `${CONTACT_SELECT}
       WHERE u.services = 'all'
          OR EXISTS (SELECT 1 FROM json_each(${SERVICES_JSON}) s WHERE s.value IN (SELECT value FROM json_each(@ids)))
       ORDER BY u.id, c.email`,
    )
    .all({ ids: JSON.stringify(serviceIds) }) as Record<string, unknown>[];
  return rows.map(unitContact);
}

/** Every unit that lists this address (case-insensitive), with the role it has there. */
export function contactsByEmail(db: Db, email: string): UnitContact[] {
  const rows = db.prepare(`${CONTACT_SELECT} WHERE c.email = ? ORDER BY u.id`).all(email) as Record<string, unknown>[];
  return rows.map(unitContact);
}

/** Every directory address once, with all the units that list it and the union of their services. */
export function allContacts(db: Db): DirectoryRecipient[] {
  const rows = (db.prepare(`${CONTACT_SELECT} ORDER BY c.email, u.id`).all() as Record<string, unknown>[]).map(unitContact);
  const byEmail = new Map<string, DirectoryRecipient>();
  for (const r of rows) {
    const key = r.email.toLowerCase();
    let rec = byEmail.get(key);
    if (!rec) {
      rec = { email: r.email, reasons: [], services: [], channel: 'email' };
      byEmail.set(key, rec);
    }
    rec.reasons.push({ unitId: r.unitId, unit: r.unit, role: r.role });
    if (r.channel === 'easit') rec.channel = 'easit';
    if (rec.services === 'all' || r.unitServices === 'all') rec.services = 'all';
    else for (const s of r.unitServices) if (!rec.services.includes(s)) rec.services.push(s);
  }
  return [...byEmail.values()];
}
